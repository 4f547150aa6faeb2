import type { ObjectStore } from "@lambda-lab/shared";
import type { ImageRefs } from "../../src/ports.js";

export type Operation =
  | { op: "list"; prefix: string; failed: boolean }
  | { op: "delete"; keys: string[] }
  | { op: "refs"; failed: boolean }
  | { op: "recheck"; failed: boolean };

export interface StoreFaults {
  /** Throw on the nth (1-based) listing of this prefix and on every later one. */
  failListing?: { prefix: string; fromCall: number; error?: Error };
  /** Make every DeleteObjects request throw (a request-level error such as AccessDenied). */
  failDeleteRequests?: boolean;
  /** Report these keys as per-key Errors inside a successful response, without deleting them. */
  refuseKeys?: Set<string>;
  /** Runs before each listing; a test may take a service down here. */
  beforeList?: (prefix: string, call: number) => Promise<void>;
}

/** Wraps a store to inject faults and record every list and delete in order. */
export const faultyStore = (inner: ObjectStore, faults: StoreFaults, timeline: Operation[]): ObjectStore => {
  const listCalls = new Map<string, number>();
  return {
    ...inner,
    get: (key) => inner.get(key),
    head: (key) => inner.head(key),
    put: (key, body, options) => inner.put(key, body, options),
    async listPage(prefix, options) {
      const call = (listCalls.get(prefix) ?? 0) + 1;
      listCalls.set(prefix, call);
      await faults.beforeList?.(prefix, call);
      const fail = faults.failListing;
      if (fail && fail.prefix === prefix && call >= fail.fromCall) {
        timeline.push({ op: "list", prefix, failed: true });
        throw fail.error ?? new Error("InternalError: We encountered an internal error. Please try again.");
      }
      timeline.push({ op: "list", prefix, failed: false });
      return inner.listPage(prefix, options);
    },
    async deleteMany(keys) {
      if (faults.failDeleteRequests) throw new Error("AccessDenied: Access Denied");
      timeline.push({ op: "delete", keys: [...keys] });
      const refused = faults.refuseKeys ?? new Set<string>();
      const result = await inner.deleteMany(keys.filter((key) => !refused.has(key)));
      return {
        deleted: result.deleted,
        errors: [
          ...result.errors,
          ...keys
            .filter((key) => refused.has(key))
            .map((key) => ({ key, code: "AccessDenied", message: "Access Denied" })),
        ],
      };
    },
  };
};

export const recordingRefs = (inner: ImageRefs, timeline: Operation[]): ImageRefs => ({
  async keysAfter(after, limit) {
    try {
      const keys = await inner.keysAfter(after, limit);
      timeline.push({ op: "refs", failed: false });
      return keys;
    } catch (error) {
      timeline.push({ op: "refs", failed: true });
      throw error;
    }
  },
  async referencedAmong(keys) {
    try {
      const found = await inner.referencedAmong(keys);
      timeline.push({ op: "recheck", failed: false });
      return found;
    } catch (error) {
      timeline.push({ op: "recheck", failed: true });
      throw error;
    }
  },
});

/** Deletions recorded after the first failed operation: a fail-closed run has none. */
export const deletesAfterFailure = (timeline: Operation[]): string[] => {
  const failedAt = timeline.findIndex((entry) => "failed" in entry && entry.failed);
  if (failedAt === -1) throw new Error("no operation failed: the fault was never injected");
  return timeline.slice(failedAt).flatMap((entry) => (entry.op === "delete" ? entry.keys : []));
};
