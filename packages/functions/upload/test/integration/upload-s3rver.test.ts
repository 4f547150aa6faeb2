import { readFile } from "node:fs/promises";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createLogger, manifestKeyOf, quarantineKeyOf } from "@lambda-lab/shared";
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from "@lambda-lab/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configOf } from "../../src/config.js";
import type { UploadForm } from "../../src/create-upload-form.js";
import { loadEnv } from "../../src/env.js";
import { makeHandler } from "../../src/handler.js";
import type { HttpResponse } from "../../src/problem.js";
import { createS3RestReader } from "../../src/s3-rest-reader.js";
import { makeCreateEvent, makeHttpEvent } from "../support/events.js";
import { postForm } from "../support/post-form.js";
import { decodePolicy, policyViolations, referencePolicySignature } from "../support/post-policy-rules.js";
import { STACK_SET_ENV } from "../support/stack-env.js";

const fixture = (name: string) => readFile(new URL(`../fixtures/${name}`, import.meta.url));

let s3: LocalS3;
let handler: (event: unknown) => Promise<HttpResponse>;

beforeAll(async () => {
  s3 = await startLocalS3();
  const config = configOf(
    loadEnv({
      ...STACK_SET_ENV,
      BUCKET_NAME: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
      UPLOAD_URL_TTL_SECONDS: "120",
    }),
  );
  const reader = createS3RestReader({
    bucketUrl: config.form.bucketUrl,
    region: config.form.region,
    credentials: config.form.credentials,
  });
  handler = makeHandler({ reader, logger: createLogger("upload", "ERROR") }, config);
});

afterAll(async () => {
  await s3?.stop();
});

const requestForm = async (contentType: string, size: number, filename?: string) => {
  const response = await handler(makeCreateEvent({ contentType, size, ...(filename ? { filename } : {}) }));
  expect(response.statusCode).toBe(201);
  return JSON.parse(response.body) as UploadForm;
};

const status = async (id: string) => {
  const response = await handler(makeHttpEvent({ path: `/uploads/${id}` }));
  expect(response.statusCode).toBe(200);
  return JSON.parse(response.body);
};

describe("upload through a presigned POST form to a real S3 server", () => {
  it("stores a real JPEG under the server-made key with the declared Content-Type", async () => {
    // Prepare
    const bytes = await fixture("Landscape_1.jpg");
    const issuedAt = Date.now();
    const form = await requestForm("image/jpeg", bytes.length, "Landscape 1.jpg");

    // Act: the browser's job — fields first, then the file
    const upload = await postForm(form.url, form.fields, bytes, "Landscape_1.jpg", "image/jpeg");

    // Assess: S3 accepted it, under the key the function chose, with the pinned type and metadata
    expect(upload.status).toBe(204);
    expect(form.url).toBe(`${s3.endpoint}/${s3.bucket}`);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: form.key }));
    expect(head.ContentType).toBe("image/jpeg");
    expect(head.ContentLength).toBe(bytes.length);
    expect(head.Metadata).toMatchObject({ owner: "anonymous", "original-filename": "Landscape 1.jpg" });
    const stored = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: form.key }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(bytes)).toBe(true);
    expect(s3.events.flatMap((e) => e.Records.map((r) => r.s3.object.key))).toContain(form.key);
    expect(new Date(form.expiresAt).getTime()).toBeLessThanOrEqual(issuedAt + 121_000);
  });

  it("signs a policy S3 would enforce: every condition decoded and checked", async () => {
    // Prepare
    const bytes = await fixture("Landscape_1.jpg");
    const form = await requestForm("image/jpeg", bytes.length, "cat.jpg");
    const date = form.fields["x-amz-date"] ?? "";
    const policy = form.fields.policy ?? "";

    // Act
    const decoded = decodePolicy(policy);

    // Assess: exactly these conditions, no more
    expect(decoded).toEqual({
      expiration: form.expiresAt,
      conditions: [
        { bucket: s3.bucket },
        ["content-length-range", 1, bytes.length],
        { key: form.key },
        { "Content-Type": "image/jpeg" },
        { "x-amz-meta-owner": "anonymous" },
        { "x-amz-meta-original-filename": "cat.jpg" },
        { "x-amz-algorithm": "AWS4-HMAC-SHA256" },
        { "x-amz-credential": `S3RVER/${date.slice(0, 8)}/us-east-1/s3/aws4_request` },
        { "x-amz-date": date },
      ],
    });
    expect(form.key).toMatch(new RegExp(`^uploads/\\d{4}/\\d{2}/\\d{2}/${form.id}\\.jpg$`));
    expect(new Date(form.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(120_000);
    expect(form.fields["x-amz-signature"]).toBe(
      referencePolicySignature(policy, LOCAL_S3_CREDENTIALS.secretAccessKey, date.slice(0, 8), "us-east-1"),
    );
    const submit = (fields: Record<string, string>, size: number) =>
      policyViolations(policy, { bucket: s3.bucket, fields, fileSize: size, now: new Date() });
    expect(submit(form.fields, bytes.length)).toEqual([]);
    expect(submit(form.fields, bytes.length + 1)).toHaveLength(1);
    expect(submit({ ...form.fields, key: "uploads/other.jpg" }, bytes.length)).toHaveLength(1);
    expect(submit({ ...form.fields, "Content-Type": "image/svg+xml" }, bytes.length)).toHaveLength(1);
  });

  it.each([
    ["4.webp", "image/webp", "webp"],
    ["16-bit-grey-alpha.png", "image/png", "png"],
  ])("stores %s as %s under a .%s key", async (name, contentType, extension) => {
    const bytes = await fixture(name);
    const form = await requestForm(contentType, bytes.length);

    const upload = await postForm(form.url, form.fields, bytes, name, contentType);

    expect(upload.status).toBe(204);
    expect(form.key.endsWith(`/${form.id}.${extension}`)).toBe(true);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: form.key }));
    expect(head.ContentType).toBe(contentType);
  });

  it("reports missing, then pending, then ready as the upload and the transform land", async () => {
    // Prepare
    const bytes = await fixture("4.webp");
    const form = await requestForm("image/webp", bytes.length);
    const imageId = form.key.replace(/^uploads\//, "").replace(/\.webp$/, "");

    // Act + Assess: before the browser posts the file
    expect(await status(form.id)).toMatchObject({ status: "missing", original: { exists: false } });

    await postForm(form.url, form.fields, bytes, "4.webp", "image/webp");
    expect(await status(form.id)).toMatchObject({
      id: form.id,
      imageId,
      status: "pending",
      original: { exists: true, key: form.key, size: bytes.length, contentType: "image/webp" },
      variants: [],
      quarantine: null,
    });

    const variant = {
      name: "thumb",
      format: "webp",
      key: `variants/${imageId}/thumb.webp`,
      contentType: "image/webp",
      width: 320,
      height: 241,
      bytes: 8000,
    };
    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: manifestKeyOf(imageId),
        ContentType: "application/json",
        Body: JSON.stringify({
          version: 1,
          imageId,
          sourceKey: form.key,
          sourceEtag: '"etag"',
          sourceFormat: "webp",
          width: 1024,
          height: 772,
          animated: false,
          variants: [variant],
          createdAt: new Date().toISOString(),
        }),
      }),
    );
    expect(await status(form.id)).toMatchObject({ status: "ready", variants: [variant] });
  });

  it("reports a quarantined upload with its reason", async () => {
    const bytes = await fixture("16-bit-grey-alpha.png");
    const form = await requestForm("image/png", bytes.length);
    const imageId = form.key.replace(/^uploads\//, "").replace(/\.png$/, "");
    await postForm(form.url, form.fields, bytes, "x.png", "image/png");

    await s3.client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: quarantineKeyOf(imageId),
        ContentType: "application/json",
        Body: JSON.stringify({
          version: 1,
          imageId,
          sourceKey: form.key,
          sourceEtag: '"etag"',
          reason: "too-many-pixels",
          detail: "over MAX_INPUT_PIXELS",
          quarantinedAt: new Date().toISOString(),
        }),
      }),
    );

    expect(await status(form.id)).toMatchObject({
      status: "quarantined",
      quarantine: { reason: "too-many-pixels", detail: "over MAX_INPUT_PIXELS" },
    });
  });
});
