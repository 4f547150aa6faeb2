import type { ObjectStore } from "@lambda-lab/shared";
import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import { describe, expect, it } from "vitest";
import { createDeleteQueue, type DeleteFailure } from "../../src/delete-queue.js";

const recorder = () => {
  const seen = {
    deleted: [] as string[],
    derived: [] as string[],
    failed: [] as DeleteFailure[],
    kept: [] as string[],
    flushes: 0,
  };
  return {
    seen,
    events: {
      originalDeleted: (key: string) => void seen.deleted.push(key),
      derivedDeleted: (key: string) => void seen.derived.push(key),
      failed: (failure: DeleteFailure) => void seen.failed.push(failure),
      originalKept: (key: string) => void seen.kept.push(key),
      flushed: async () => void seen.flushes++,
    },
  };
};

describe("delete queue", () => {
  it("fills requests of 1,000 keys across images and deletes each original after its derived objects", async () => {
    const store = createMemoryObjectStore();
    const requests: string[][] = [];
    const spy: ObjectStore = {
      ...store,
      deleteMany: (keys) => {
        requests.push([...keys]);
        return store.deleteMany(keys);
      },
    };
    const { seen, events } = recorder();
    const queue = createDeleteQueue<number>(spy, events);

    for (let i = 0; i < 700; i++) await queue.add(`uploads/${i}`, [`variants/${i}/a`, `variants/${i}/b`], i);
    await queue.drain();

    expect(seen.deleted).toHaveLength(700);
    expect(seen.derived).toHaveLength(1400);
    // 2,100 keys in ceil(2100 / 1000) = 3 requests, although originals wait for their derived objects.
    expect(requests.map((r) => r.length)).toEqual([1000, 900, 200]);
    for (let i = 0; i < 700; i++) {
      const originalAt = requests.findIndex((r) => r.includes(`uploads/${i}`));
      const derivedAt = requests.findIndex((r) => r.includes(`variants/${i}/b`));
      expect(originalAt).toBeGreaterThan(derivedAt);
    }
    expect(queue.pendingCount()).toBe(0);
    expect(seen.flushes).toBe(3);
  });

  it("keeps the original when a derived key fails, and tells where to resume", async () => {
    const store = createMemoryObjectStore();
    const failing: ObjectStore = {
      ...store,
      async deleteMany(keys) {
        const result = await store.deleteMany(keys.filter((k) => k !== "variants/1/a"));
        return {
          ...result,
          errors: keys.includes("variants/1/a")
            ? [{ key: "variants/1/a", code: "InternalError", message: "try again" }]
            : [],
        };
      },
    };
    const { seen, events } = recorder();
    const queue = createDeleteQueue<string>(failing, events);

    await queue.add("uploads/1", ["variants/1/a"], "before-1");
    await queue.add("uploads/2", ["variants/2/a"], "before-2");
    expect(queue.firstPendingBefore()).toBe("before-1");
    await queue.drain();

    expect(seen.kept).toEqual(["uploads/1"]);
    expect(seen.deleted).toEqual(["uploads/2"]);
    expect(seen.failed).toEqual([
      { key: "variants/1/a", code: "InternalError", message: "try again", original: false },
    ]);
    expect(queue.firstPendingBefore()).toBeUndefined();
  });

  it("treats a key S3 gave no verdict on as failed", async () => {
    const silent: ObjectStore = {
      ...createMemoryObjectStore(),
      deleteMany: async () => ({ deleted: [], errors: [] }),
    };
    const { seen, events } = recorder();
    const queue = createDeleteQueue<number>(silent, events);

    await queue.add("uploads/1", [], 0);
    await queue.drain();

    expect(seen.deleted).toEqual([]);
    expect(seen.kept).toEqual(["uploads/1"]);
    expect(seen.failed[0]?.code).toBe("NotConfirmed");
  });
});
