import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ImageContentType,
  imageIdOfKey,
  manifestKeyOf,
  type ObjectStore,
  originalKey,
  quarantineKeyOf,
  variantKeyOf,
} from "@lambda-lab/shared";
import { compareKeys } from "../../src/key-order.js";
import type { CleanupLog, CleanupRunRow, ImageRefs, RunLedger } from "../../src/ports.js";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A valid ULID for upload number `n` made at `time`: ids sort by time, then by n. */
export const fakeUlid = (n: number, time: Date): string => {
  let timePart = "";
  let t = time.getTime();
  for (let i = 0; i < 10; i++) {
    timePart = CROCKFORD[t % 32] + timePart;
    t = Math.floor(t / 32);
  }
  let randomPart = "";
  let r = n;
  for (let i = 0; i < 16; i++) {
    randomPart = CROCKFORD[r % 32] + randomPart;
    r = Math.floor(r / 32);
  }
  return timePart + randomPart;
};

export const uploadKey = (n: number, time: Date, type: ImageContentType = "image/jpeg"): string =>
  originalKey(fakeUlid(n, time), type);

/** The derived objects the transform function writes for an original. */
export const derivedKeysFor = (key: string, kind: "variants" | "quarantined" | "none"): string[] => {
  const id = imageIdOfKey(key)!;
  if (kind === "variants")
    return [variantKeyOf(id, "medium", "webp"), manifestKeyOf(id), variantKeyOf(id, "thumb", "webp")];
  if (kind === "quarantined") return [quarantineKeyOf(id)];
  return [];
};

/** The images table as a sorted array: same keyset contract as the SQL. */
export const createMemoryRefs = (keys: Iterable<string> = []) => {
  const sorted = [...new Set(keys)].sort(compareKeys);
  let calls = 0;
  let failAfter: number | undefined;
  const refs: ImageRefs & { calls: () => number; failAfterCalls(n: number): void; add(key: string): void } = {
    async keysAfter(after, limit) {
      calls++;
      if (failAfter !== undefined && calls > failAfter)
        throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareKeys(sorted[mid]!, after) <= 0) lo = mid + 1;
        else hi = mid;
      }
      return sorted.slice(lo, lo + limit);
    },
    async referencedAmong(keys) {
      calls++;
      if (failAfter !== undefined && calls > failAfter)
        throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      const present = new Set(sorted);
      return new Set(keys.filter((key) => present.has(key)));
    },
    calls: () => calls,
    failAfterCalls(n) {
      failAfter = n;
    },
    add(key) {
      sorted.push(key);
      sorted.sort(compareKeys);
    },
  };
  return refs;
};

export const createMemoryLedger = () => {
  const rows = new Map<string, CleanupRunRow>();
  let down = false;
  const ledger: RunLedger & { rows: Map<string, CleanupRunRow>; setDown(value: boolean): void } = {
    rows,
    async save(row) {
      if (down) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      rows.set(row.runId, structuredClone(row));
    },
    setDown(value) {
      down = value;
    },
  };
  return ledger;
};

export interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
  attributes: Record<string, unknown>;
}

export const createRecordingLog = () => {
  const lines: LogLine[] = [];
  const log: CleanupLog & { lines: LogLine[] } = {
    lines,
    info: (message, attributes) => void lines.push({ level: "info", message, attributes }),
    warn: (message, attributes) => void lines.push({ level: "warn", message, attributes }),
    error: (message, attributes) => void lines.push({ level: "error", message, attributes }),
  };
  return log;
};

export const tempStateRoot = () => mkdtemp(join(tmpdir(), "orphan-cleanup-state-"));

/**
 * A Lambda context whose clock is the number of times it was asked: it reports plenty of time for the
 * first `calls` questions and then 0, so a test cuts a run at a precise point.
 */
export const fakeContext = (calls = Number.POSITIVE_INFINITY, requestId = "test-request") => {
  let asked = 0;
  return {
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => (++asked <= calls ? 900_000 : 0),
  };
};

/** Every key in a store, for comparing end states. */
export const allKeys = async (store: ObjectStore, prefix = ""): Promise<string[]> => {
  const keys: string[] = [];
  let startAfter: string | undefined;
  do {
    const page = await store.listPage(prefix, startAfter ? { startAfter } : {});
    keys.push(...page.objects.map((o) => o.key));
    startAfter = page.nextStartAfter;
  } while (startAfter);
  return keys;
};
