import { createHash } from "node:crypto";
import type { ObjectStore, PutOptions, StoredObject } from "../object-store.js";
import { S3_BATCH_LIMIT } from "../object-store.js";

/** S3 lists keys in UTF-8 binary order, not JavaScript's UTF-16 order. */
export const compareKeys = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export interface MemoryObjectStore extends ObjectStore {
  readonly objects: Map<string, StoredObject>;
  /** Requests made, by operation: benchmarks and tests count them. */
  readonly calls: Record<"get" | "head" | "put" | "listPage" | "deleteMany", number>;
  /** Seeds an object with a chosen last-modified time (uploads "made yesterday"). */
  seed(key: string, body: Buffer | string, options?: Partial<PutOptions> & { lastModified?: Date }): void;
}

/** An in-memory ObjectStore with S3's ordering and paging, for unit tests of the cores. */
export const createMemoryObjectStore = (now: () => Date = () => new Date()): MemoryObjectStore => {
  const objects = new Map<string, StoredObject>();
  const calls = { get: 0, head: 0, put: 0, listPage: 0, deleteMany: 0 };
  const store = (key: string, body: Buffer | string, options: Partial<PutOptions>, lastModified: Date) => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const etag = `"${createHash("md5").update(bytes).digest("hex")}"`;
    objects.set(key, {
      body: bytes,
      size: bytes.length,
      etag,
      lastModified,
      ...(options.contentType ? { contentType: options.contentType } : {}),
      metadata: { ...(options.metadata ?? {}) },
    });
    return etag;
  };
  return {
    objects,
    calls,
    seed(key, body, options = {}) {
      store(key, body, options, options.lastModified ?? now());
    },
    async get(key) {
      calls.get++;
      const o = objects.get(key);
      return o ? { ...o, metadata: { ...o.metadata } } : undefined;
    },
    async head(key) {
      calls.head++;
      const o = objects.get(key);
      if (!o) return undefined;
      const { body: _body, ...head } = o;
      return { ...head, metadata: { ...head.metadata } };
    },
    async put(key, body, options) {
      calls.put++;
      return { etag: store(key, body, options, now()) };
    },
    async listPage(prefix, options = {}) {
      calls.listPage++;
      const maxKeys = Math.min(options.maxKeys ?? S3_BATCH_LIMIT, S3_BATCH_LIMIT);
      const after = options.startAfter;
      const keys = [...objects.keys()]
        .filter((k) => k.startsWith(prefix) && (after === undefined || compareKeys(k, after) > 0))
        .sort(compareKeys);
      const page = keys.slice(0, maxKeys);
      const last = page.at(-1);
      return {
        objects: page.map((key) => {
          const o = objects.get(key)!;
          return { key, size: o.size, etag: o.etag, lastModified: o.lastModified };
        }),
        ...(keys.length > maxKeys && last !== undefined ? { nextStartAfter: last } : {}),
      };
    },
    async deleteMany(keys) {
      calls.deleteMany++;
      if (keys.length > S3_BATCH_LIMIT) throw new Error(`DeleteObjects takes at most ${S3_BATCH_LIMIT} keys`);
      for (const key of keys) objects.delete(key);
      return { deleted: [...keys], errors: [] };
    },
  };
};
