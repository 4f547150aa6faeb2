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
    referenced: [] as string[],
    flushes: 0,
  };
  return {
    seen,
    events: {
      originalDeleted: (key: string) => void seen.deleted.push(key),
      derivedDeleted: (key: string) => void seen.derived.push(key),
      failed: (failure: DeleteFailure) => void seen.failed.push(failure),
      originalKept: (key: string) => void seen.kept.push(key),
      originalReferenced: (key: string) => void seen.referenced.push(key),
      flushed: async () => void seen.flushes++,
    },
  };
};

const noneReferenced = async () => new Set<string>();

describe("delete queue", () => {
  it("keeps an original the web app attached after the walk judged it an orphan, and never sends it", async () => {
    const store = createMemoryObjectStore();
    for (const key of ["uploads/1.jpg", "variants/1/thumb.webp", "uploads/2.jpg", "variants/2/thumb.webp"])
      store.seed(key, "x");
    const sent: string[] = [];
    const spy: ObjectStore = {
      ...store,
      deleteMany: (keys) => {
        sent.push(...keys);
        return store.deleteMany(keys);
      },
    };
    const { seen, events } = recorder();
    const attachedDuringRun = async (originals: readonly string[]) =>
      new Set(originals.filter((key) => key === "uploads/2.jpg"));
    const queue = createDeleteQueue<number>(spy, events, attachedDuringRun);

    await queue.add("uploads/1.jpg", ["variants/1/thumb.webp"], 1);
    await queue.add("uploads/2.jpg", ["variants/2/thumb.webp"], 2);
    await queue.drain();

    expect(sent).not.toContain("uploads/2.jpg");
    expect(sent).not.toContain("variants/2/thumb.webp");
    expect(store.objects.has("uploads/2.jpg")).toBe(true);
    expect(store.objects.has("variants/2/thumb.webp")).toBe(true);
    expect(seen.referenced).toEqual(["uploads/2.jpg"]);
    expect(seen.deleted).toEqual(["uploads/1.jpg"]);
    expect(queue.pendingCount()).toBe(0);
  });

  it("sends nothing of a batch whose re-check fails (fail closed)", async () => {
    const store = createMemoryObjectStore();
    store.seed("uploads/1.jpg", "x");
    const { events } = recorder();
    const queue = createDeleteQueue<number>(store, events, async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
    });
    await expect(
      (async () => {
        await queue.add("uploads/1.jpg", [], 1);
        await queue.drain();
      })(),
    ).rejects.toThrow(/ECONNREFUSED/);
    expect(store.objects.has("uploads/1.jpg")).toBe(true);
  });

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
    const queue = createDeleteQueue<number>(spy, events, noneReferenced);

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
    const queue = createDeleteQueue<string>(failing, events, noneReferenced);

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
    const queue = createDeleteQueue<number>(silent, events, noneReferenced);

    await queue.add("uploads/1", [], 0);
    await queue.drain();

    expect(seen.deleted).toEqual([]);
    expect(seen.kept).toEqual(["uploads/1"]);
    expect(seen.failed[0]?.code).toBe("NotConfirmed");
  });
});
