import { readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from "@lambda-lab/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bundle, bundle } from "../../bench/bundle.js";
import type { HttpResponse } from "../../src/problem.js";
import { makeCreateEvent, makeHttpEvent } from "../support/events.js";
import { postForm } from "../support/post-form.js";
import { STACK_SET_ENV } from "../support/stack-env.js";

let s3: LocalS3;
let built: Bundle;
let handler: (event: unknown) => Promise<HttpResponse>;
const saved = { ...process.env };

beforeAll(async () => {
  s3 = await startLocalS3();
  built = await bundle({ path: fileURLToPath(new URL("../../src/index.ts", import.meta.url)) }, "test");
  // The composition root reads process.env once, at import: set it as the lab would.
  Object.assign(process.env, {
    ...STACK_SET_ENV,
    BUCKET_NAME: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: "ERROR",
  });
  ({ handler } = await import(pathToFileURL(built.file).href));
});

afterAll(async () => {
  process.env = saved;
  await s3?.stop();
  if (built) await rm(dirname(built.file), { recursive: true, force: true });
});

describe("the bundled function (esbuild, artifact options)", () => {
  it("issues a form a real image can be uploaded with, then reports it pending", async () => {
    // Prepare
    const bytes = await readFile(new URL("../fixtures/Landscape_1.jpg", import.meta.url));

    // Act
    const created = await handler(makeCreateEvent({ contentType: "image/jpeg", size: bytes.length }));
    const form = JSON.parse(created.body);
    const upload = await postForm(form.url, form.fields, bytes, "Landscape_1.jpg", "image/jpeg");
    const polled = await handler(makeHttpEvent({ path: `/uploads/${form.id}` }));

    // Assess
    expect(created.statusCode).toBe(201);
    expect(upload.status).toBe(204);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: form.key }));
    expect(head.ContentType).toBe("image/jpeg");
    expect(JSON.parse(polled.body)).toMatchObject({ status: "pending", original: { size: bytes.length } });
  });

  it("does not bundle the AWS SDK's S3 client", async () => {
    const source = await readFile(built.file, "utf8");

    expect(source).not.toContain("S3ServiceException");
  });
});
