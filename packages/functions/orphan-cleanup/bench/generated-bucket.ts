import { setTimeout as sleep } from "node:timers/promises";
import type { ListedObject, ObjectStore } from "@lambda-lab/shared";
import { S3_BATCH_LIMIT } from "@lambda-lab/shared";
import { compareKeys } from "../src/key-order.js";
import { derivedKeysOf, imageNumberOfUlid, specOf, VARIANT_FILES } from "./dataset.js";

/**
 * An in-memory ObjectStore over the generated dataset, with S3's ordering and paging. It stores nothing per
 * object but one "deleted" byte per key, and counts requests like createMemoryObjectStore; every request waits
 * `latencyMs` to stand in for S3's round trip.
 */
export const createGeneratedBucket = (images: number, now: Date, latencyMs: number) => {
  const calls = { listPage: 0, deleteMany: 0, put: 0, get: 0, head: 0 };
  const listsByPrefix: Record<string, number> = {};
  const deletedOriginal = new Uint8Array(images);
  const deletedDerived = new Uint8Array(images * VARIANT_FILES.length);
  const old = new Date(now.getTime() - 48 * 3_600_000);
  const young = new Date(now.getTime() - 3_600_000);

  const listed = (i: number, key: string): ListedObject => ({
    key,
    size: 1,
    etag: '"0"',
    lastModified: specOf(i).young ? young : old,
  });

  /** Smallest image number whose last key under the prefix sorts after `startAfter`. */
  const firstImageAfter = (startAfter: string | undefined, lastKeyOf: (i: number) => string): number => {
    if (startAfter === undefined) return 0;
    let lo = 0;
    let hi = images;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKeys(lastKeyOf(mid), startAfter) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const keysOfImage = (prefix: string, i: number): { key: string; slot: number }[] => {
    const spec = specOf(i);
    if (prefix === "uploads/") return deletedOriginal[i] ? [] : [{ key: spec.key, slot: -1 }];
    const derived = derivedKeysOf(spec);
    return derived
      .map((key, f) => ({ key, slot: i * VARIANT_FILES.length + f }))
      .filter(({ key, slot }) => key.startsWith(prefix) && !deletedDerived[slot]);
  };

  const store: ObjectStore = {
    async get() {
      calls.get++;
      return undefined;
    },
    async head() {
      calls.head++;
      return undefined;
    },
    async put() {
      calls.put++;
      await sleep(latencyMs);
      return { etag: '"0"' };
    },
    async listPage(prefix, options = {}) {
      calls.listPage++;
      listsByPrefix[prefix] = (listsByPrefix[prefix] ?? 0) + 1;
      await sleep(latencyMs);
      const maxKeys = Math.min(options.maxKeys ?? S3_BATCH_LIMIT, S3_BATCH_LIMIT);
      const lastKeyOf = (i: number) =>
        prefix === "uploads/" ? specOf(i).key : `${prefix}${specOf(i).id}\u{10FFFF}`;
      const objects: ListedObject[] = [];
      let truncated = false;
      for (let i = firstImageAfter(options.startAfter, lastKeyOf); i < images && !truncated; i++) {
        for (const { key } of keysOfImage(prefix, i)) {
          if (options.startAfter !== undefined && compareKeys(key, options.startAfter) <= 0) continue;
          if (objects.length === maxKeys) {
            truncated = true;
            break;
          }
          objects.push(listed(i, key));
        }
      }
      const last = objects.at(-1)?.key;
      return { objects, ...(truncated && last !== undefined ? { nextStartAfter: last } : {}) };
    },
    async deleteMany(keys) {
      calls.deleteMany++;
      if (keys.length > S3_BATCH_LIMIT) throw new Error("DeleteObjects takes at most 1,000 keys");
      await sleep(latencyMs);
      for (const key of keys) {
        const ulid = /([0-9A-HJKMNP-TV-Z]{26})/.exec(key)?.[1];
        if (!ulid) continue;
        const i = imageNumberOfUlid(ulid);
        if (key.startsWith("uploads/")) deletedOriginal[i] = 1;
        else {
          const f = derivedKeysOf(specOf(i)).indexOf(key);
          if (f >= 0) deletedDerived[i * VARIANT_FILES.length + f] = 1;
        }
      }
      return { deleted: [...keys], errors: [] };
    },
  };

  const deletedOriginals = () => deletedOriginal.reduce((n, flag) => n + flag, 0);
  return { store, calls, listsByPrefix, deletedOriginals };
};
