import type { ObjectStore } from "@lambda-lab/shared";
import { createMemoryObjectStore, type MemoryObjectStore } from "@lambda-lab/shared/testing";

/** An S3-shaped service error, as the AWS SDK v3 raises it. */
export const sdkError = (name: string, httpStatusCode: number): Error =>
  Object.assign(new Error(`${name} (simulated)`), { name, $metadata: { httpStatusCode } });

type Operation = "get" | "head" | "put" | "listPage" | "deleteMany";

export interface RecordingStore extends MemoryObjectStore {
  /** Keys written, in the order their put completed. */
  readonly putOrder: string[];
  /** Makes the next calls of `operation` (on keys matching `match`) fail with `error`. */
  failOn(operation: Operation, error: Error, match?: (key: string) => boolean): void;
  /** S3 recovers: later calls succeed again. */
  recover(): void;
}

/** The shared in-memory store, plus write order and injected S3 failures. */
export const createRecordingStore = (): RecordingStore => {
  const memory = createMemoryObjectStore();
  const putOrder: string[] = [];
  const failures: { operation: Operation; error: Error; match: (key: string) => boolean }[] = [];
  const check = (operation: Operation, key: string) => {
    const failure = failures.find((f) => f.operation === operation && f.match(key));
    if (failure) throw failure.error;
  };
  const store: ObjectStore = {
    async get(key) {
      check("get", key);
      return memory.get(key);
    },
    async head(key) {
      check("head", key);
      return memory.head(key);
    },
    async put(key, body, options) {
      check("put", key);
      const out = await memory.put(key, body, options);
      putOrder.push(key);
      return out;
    },
    async listPage(prefix, options) {
      check("listPage", prefix);
      return memory.listPage(prefix, options);
    },
    async deleteMany(keys) {
      for (const key of keys) check("deleteMany", key);
      return memory.deleteMany(keys);
    },
  };
  return {
    ...memory,
    ...store,
    putOrder,
    failOn(operation, error, match = () => true) {
      failures.push({ operation, error, match });
    },
    recover() {
      failures.length = 0;
    },
  };
};
