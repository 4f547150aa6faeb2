/**
 * The S3 port's contract, run once per adapter: s3rver (the lab's S3) and the in-memory fake the unit tests
 * use. Swapping s3rver for another server means one more row in ADAPTERS that passes the same tests.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketCorsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { bucketCorsRule } from "@lambda-lab/infra/emulated";
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryS3Port } from "../../src/services/s3/memory.js";
import type { S3ObjectCreated, S3ObjectRemoved, S3Port } from "../../src/services/s3/port.js";
import { startS3rverPort } from "../../src/services/s3/s3rver.js";

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

const BUCKET = "lambda-lab-test-images-000000000000";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ADAPTERS: [string, () => Promise<S3Port>][] = [
  [
    "s3rver",
    async () => {
      const directory = await mkdtemp(join(tmpdir(), "lab-s3-port-"));
      cleanups.push(() => rm(directory, { recursive: true, force: true }));
      return startS3rverPort({ directory, bucket: BUCKET, port: 0 });
    },
  ],
  ["in-memory", async () => createMemoryS3Port({ bucket: BUCKET })],
];

const started = async (start: () => Promise<S3Port>) => {
  const s3 = await start();
  cleanups.push(() => s3.stop());
  return s3;
};

/** The next record a listener hears: resolved by the port's own delivery, never by a timer. */
const next = <T>(subscribe: (listener: (record: T) => void) => void) =>
  new Promise<T>((resolve) => {
    // A promise settles once: later records are ignored.
    subscribe(resolve);
  });

describe.each(ADAPTERS)("the S3 port over %s", (_name, start) => {
  it("reports a created object with its raw key, size and bare ETag", async () => {
    const s3 = await started(start);
    const heard = next<S3ObjectCreated>((l) => s3.onObjectCreated(l));

    const put = await s3.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: "uploads/a b+c.jpg", Body: Buffer.from("jpeg bytes") }),
    );

    expect(await heard).toEqual({
      eventName: "ObjectCreated:Put",
      bucket: BUCKET,
      key: "uploads/a b+c.jpg",
      size: 10,
      eTag: put.ETag?.replace(/"/g, ""),
    });
    expect(put.ETag).toBe(`"${md5("jpeg bytes")}"`);
  });

  it("reports a copy as ObjectCreated:Copy", async () => {
    const s3 = await started(start);
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "uploads/a.jpg", Body: "x" }));
    const heard = next<S3ObjectCreated>((l) => s3.onObjectCreated(l));

    await s3.client.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: "uploads/b.jpg", CopySource: `${BUCKET}/uploads/a.jpg` }),
    );

    expect(await heard).toMatchObject({ eventName: "ObjectCreated:Copy", key: "uploads/b.jpg" });
  });

  it("reports a deleted object", async () => {
    const s3 = await started(start);
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "uploads/gone.jpg", Body: "x" }));
    const heard = next<S3ObjectRemoved>((l) => s3.onObjectRemoved(l));

    await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "uploads/gone.jpg" }));

    expect(await heard).toEqual({
      eventName: "ObjectRemoved:Delete",
      bucket: BUCKET,
      key: "uploads/gone.jpg",
    });
  });

  it("backdates an object: HEAD and ListObjects report the new Last-Modified", async () => {
    const s3 = await started(start);
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "uploads/old.jpg", Body: "x" }));
    const threeDaysAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - 3 * 86_400_000);

    await s3.backdate("uploads/old.jpg", threeDaysAgo);

    const head = await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "uploads/old.jpg" }));
    const list = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "uploads/" }));
    expect(head.LastModified?.toISOString()).toBe(threeDaysAgo.toISOString());
    expect(list.Contents?.map((o) => [o.Key, o.LastModified?.toISOString()])).toEqual([
      ["uploads/old.jpg", threeDaysAgo.toISOString()],
    ]);
  });

  it("refuses to backdate a key it does not hold, naming it", async () => {
    const s3 = await started(start);

    await expect(s3.backdate("uploads/missing.jpg", new Date(0))).rejects.toThrow(
      "no object uploads/missing.jpg in the lab's S3",
    );
  });

  it("applies the program's CORS rule, as S3's GetBucketCors then answers it", async () => {
    const s3 = await started(start);
    const rule = bucketCorsRule(["https://app.example", "http://127.0.0.1:5173"]);

    await s3.setCors([rule]);

    const cors = await s3.client.send(new GetBucketCorsCommand({ Bucket: BUCKET }));
    expect(cors.CORSRules).toEqual([
      expect.objectContaining({
        AllowedOrigins: rule.allowedOrigins,
        AllowedMethods: rule.allowedMethods,
        AllowedHeaders: rule.allowedHeaders,
        ExposeHeaders: rule.exposeHeaders,
        MaxAgeSeconds: rule.maxAgeSeconds,
      }),
    ]);
  });

  it("replaces the CORS rules on a second setCors, as PutBucketCors does", async () => {
    const s3 = await started(start);
    await s3.setCors([bucketCorsRule(["https://old.example"])]);

    await s3.setCors([bucketCorsRule(["https://new.example"])]);

    const cors = await s3.client.send(new GetBucketCorsCommand({ Bucket: BUCKET }));
    expect(cors.CORSRules?.map((r) => r.AllowedOrigins)).toEqual([["https://new.example"]]);
  });
});

describe("the s3rver adapter", () => {
  it("backdates an object of another bucket on the same server, when named", async () => {
    const s3 = await started(ADAPTERS[0]![1]);
    const other = `${BUCKET}-checkpoint-demo`;
    await s3.client.send(new CreateBucketCommand({ Bucket: other }));
    await s3.client.send(new PutObjectCommand({ Bucket: other, Key: "uploads/a.jpg", Body: "x" }));
    const dayAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - 86_400_000);

    await s3.backdate("uploads/a.jpg", dayAgo, { bucket: other });

    const head = await s3.client.send(new HeadObjectCommand({ Bucket: other, Key: "uploads/a.jpg" }));
    expect(head.LastModified?.toISOString()).toBe(dayAgo.toISOString());
  });

  it("refuses a key that would leave the bucket's folder", async () => {
    const s3 = await started(ADAPTERS[0]![1]);

    await expect(s3.backdate("../../etc/passwd", new Date(0))).rejects.toThrow("leaves the bucket's folder");
  });
});
