import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ObjectStore } from "../../src/object-store.js";
import { createS3ObjectStore } from "../../src/s3-object-store.js";
import { createS3RestObjectStore } from "../../src/s3-rest-object-store.js";
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from "../../src/testing/local-s3.js";

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3.stop();
});

const rest = (bucket = s3.bucket): ObjectStore =>
  createS3RestObjectStore({
    bucket,
    endpoint: s3.endpoint,
    region: "us-east-1",
    credentials: LOCAL_S3_CREDENTIALS,
    // s3rver answers a DeleteObjects that empties a folder with a 500 now and then (a race in its file
    // store); the SDK retries it, and so does the REST store: standard retries, with short waits.
    retry: { baseDelayMs: 5 },
  });

// One contract, two adapters: the SDK one is the reference, the REST one is what the functions deploy.
const adapters: [string, (bucket?: string) => ObjectStore][] = [
  ["AWS SDK S3Client", (bucket = s3.bucket) => createS3ObjectStore(s3.client, bucket)],
  ["REST (aws4fetch)", rest],
];

describe.each(adapters)("S3 object store (%s) against a real local S3 server", (name, storeOf) => {
  const dir = name.startsWith("AWS") ? "sdk" : "rest";

  it("puts, heads, gets, lists in key order and deletes", async () => {
    const store = storeOf();
    await store.put(`${dir}/b.jpg`, Buffer.from("b"), {
      contentType: "image/jpeg",
      metadata: { owner: "u1" },
    });
    await store.put(`${dir}/a b+사진.jpg`, "a", { contentType: "image/jpeg", cacheControl: "no-cache" });

    const head = await store.head(`${dir}/b.jpg`);
    expect(head).toMatchObject({ size: 1, contentType: "image/jpeg", metadata: { owner: "u1" } });
    expect((await store.get(`${dir}/a b+사진.jpg`))?.body.toString()).toBe("a");
    expect(await store.get(`${dir}/missing.jpg`)).toBeUndefined();
    expect(await store.head(`${dir}/missing.jpg`)).toBeUndefined();

    const page = await store.listPage(`${dir}/`, { maxKeys: 1 });
    expect(page.objects.map((o) => o.key)).toEqual([`${dir}/a b+사진.jpg`]);
    expect(page.nextStartAfter).toBe(`${dir}/a b+사진.jpg`);
    const next = await store.listPage(`${dir}/`, { maxKeys: 1, startAfter: page.nextStartAfter });
    expect(next.objects.map((o) => o.key)).toEqual([`${dir}/b.jpg`]);
    expect(next.nextStartAfter).toBeUndefined();

    const result = await store.deleteMany([`${dir}/a b+사진.jpg`, `${dir}/b.jpg`]);
    expect(result.errors).toEqual([]);
    expect((await store.listPage(`${dir}/`)).objects).toEqual([]);
  });

  it("emits an ObjectCreated event with the raw key", async () => {
    const store = storeOf();
    await store.put(`${dir}/evented.png`, "x", { contentType: "image/png" });
    expect(s3.events.at(-1)?.Records[0]?.s3.object.key).toBe(`${dir}/evented.png`);
  });

  it("lists and deletes keys that need escaping in a query and in XML", async () => {
    const store = storeOf();
    const keys = [
      `${dir}/x/a&b<c>.jpg`,
      `${dir}/x/it's "q".jpg`,
      `${dir}/x/p%20(1)!*.jpg`,
      `${dir}/x/~t=1;2.jpg`,
    ];
    for (const key of keys) await store.put(key, key, { contentType: "text/plain" });

    const listed = await store.listPage(`${dir}/x/`, { startAfter: `${dir}/x/a&b<c>.jpg` });
    const deleted = await store.deleteMany([...keys, `${dir}/x/never-there.jpg`]);

    expect(listed.objects.map((o) => o.key)).toEqual([...keys.slice(1)].sort());
    expect(new Set(deleted.deleted)).toEqual(new Set([...keys, `${dir}/x/never-there.jpg`]));
    expect(deleted.errors).toEqual([]);
    expect((await store.listPage(`${dir}/x/`)).objects).toEqual([]);
  });

  it("reads a missing bucket's object as absent but fails a listing with S3's error code", async () => {
    const store = storeOf("no-such-bucket");

    expect(await store.get("a.jpg")).toBeUndefined();
    const error = await store.listPage("uploads/").then(
      () => undefined,
      (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
    );

    expect(error?.name).toBe("NoSuchBucket");
    expect(error?.$metadata?.httpStatusCode).toBe(404);
  });

  it("refuses more than 1,000 keys in one delete, and sends nothing for none", async () => {
    const store = storeOf();
    await expect(store.deleteMany(Array.from({ length: 1001 }, (_, i) => `k${i}`))).rejects.toThrow(
      "deleteMany takes at most 1000 keys, got 1001",
    );
    expect(await store.deleteMany([])).toEqual({ deleted: [], errors: [] });
  });
});

describe("the REST store reads and writes what the AWS SDK writes and reads", () => {
  it("writes content type, cache control and metadata as the SDK reads them", async () => {
    await rest().put("cross/from-rest.webp", Buffer.from([1, 2, 3]), {
      contentType: "image/webp",
      cacheControl: "public, max-age=31536000, immutable",
      metadata: { "source-etag": "abc123" },
    });

    const out = await s3.client.send(
      new GetObjectCommand({ Bucket: s3.bucket, Key: "cross/from-rest.webp" }),
    );

    expect([...((await out.Body?.transformToByteArray()) ?? [])]).toEqual([1, 2, 3]);
    expect(out).toMatchObject({
      ContentType: "image/webp",
      CacheControl: "public, max-age=31536000, immutable",
      Metadata: { "source-etag": "abc123" },
    });
  });

  it("reads an object the SDK wrote, with the same head the SDK sees", async () => {
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: "cross/from sdk+1.json",
        Body: '{"a":1}',
        ContentType: "application/json",
        Metadata: { owner: "u9" },
      }),
    );
    const sdkHead = await s3.client.send(
      new HeadObjectCommand({ Bucket: s3.bucket, Key: "cross/from sdk+1.json" }),
    );

    const got = await rest().get("cross/from sdk+1.json");

    expect(got?.body.toString()).toBe('{"a":1}');
    expect(got).toMatchObject({
      size: 7,
      etag: sdkHead.ETag,
      contentType: "application/json",
      metadata: { owner: "u9" },
    });
    expect(got?.lastModified.getTime()).toBe(sdkHead.LastModified?.getTime());
  });

  it("refuses a key with a dot segment, which a URL would resolve to another object", async () => {
    await expect(rest().get("uploads/../secret.jpg")).rejects.toThrow(/has a "\." or "\.\." segment/);
    await expect(rest().put("./a", "x", { contentType: "text/plain" })).rejects.toThrow(/segment/);
  });
});
