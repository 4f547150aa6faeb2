import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3ObjectStore } from "../../src/s3-object-store.js";
import { type LocalS3, startLocalS3 } from "../../src/testing/local-s3.js";

describe("S3 object store against a real local S3 server", () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3();
  });
  afterAll(async () => {
    await s3.stop();
  });

  it("puts, heads, gets, lists in key order and deletes", async () => {
    const store = createS3ObjectStore(s3.client, s3.bucket);
    await store.put("uploads/b.jpg", Buffer.from("b"), {
      contentType: "image/jpeg",
      metadata: { owner: "u1" },
    });
    await store.put("uploads/a b+사진.jpg", "a", { contentType: "image/jpeg", cacheControl: "no-cache" });

    const head = await store.head("uploads/b.jpg");
    expect(head).toMatchObject({ size: 1, contentType: "image/jpeg", metadata: { owner: "u1" } });
    expect((await store.get("uploads/a b+사진.jpg"))?.body.toString()).toBe("a");
    expect(await store.get("uploads/missing.jpg")).toBeUndefined();

    const page = await store.listPage("uploads/", { maxKeys: 1 });
    expect(page.objects.map((o) => o.key)).toEqual(["uploads/a b+사진.jpg"]);
    expect(page.nextStartAfter).toBe("uploads/a b+사진.jpg");
    const next = await store.listPage("uploads/", { maxKeys: 1, startAfter: page.nextStartAfter });
    expect(next.objects.map((o) => o.key)).toEqual(["uploads/b.jpg"]);
    expect(next.nextStartAfter).toBeUndefined();

    const result = await store.deleteMany(["uploads/a b+사진.jpg", "uploads/b.jpg"]);
    expect(result.errors).toEqual([]);
    expect((await store.listPage("uploads/")).objects).toEqual([]);
  });

  it("emits an ObjectCreated event with the raw key", async () => {
    const store = createS3ObjectStore(s3.client, s3.bucket);
    await store.put("uploads/evented.png", "x", { contentType: "image/png" });
    expect(s3.events.at(-1)?.Records[0]?.s3.object.key).toBe("uploads/evented.png");
  });
});
