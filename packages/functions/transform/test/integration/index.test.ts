import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { LOCAL_S3_CREDENTIALS, type LocalS3, startLocalS3 } from "@lambda-lab/shared/testing";
import { makeS3Event, makeS3TestEvent } from "@lambda-lab/testing/s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixture } from "../support/images.js";

let s3: LocalS3;

beforeAll(async () => {
  s3 = await startLocalS3();
  // The environment the local lab gives the function.
  for (const [name, value] of Object.entries({
    BUCKET_NAME: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    OUTPUT_FORMATS: "webp,avif",
    VARIANTS: '[{"name":"small","width":120}]',
    POWERTOOLS_LOG_LEVEL: "SILENT",
  }))
    vi.stubEnv(name, value);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await s3?.stop();
});

describe("the composition root (src/index.ts)", () => {
  it("builds a handler from the environment that transforms an upload in the configured bucket", async () => {
    // Prepare
    const { handler } = await import("../../src/index.js");
    const key = "uploads/2026/11/25/index root.jpg";
    const put = await s3.client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: fixture("Landscape_8.jpg") }),
    );

    // Act
    const ignored = await handler(makeS3TestEvent());
    const response = await handler(makeS3Event({ key, etag: put.ETag!.replace(/"/g, "") }));

    // Assess
    expect(ignored).toEqual({ results: [] });
    expect(response.results[0]).toMatchObject({
      status: "written",
      variantKeys: ["variants/2026/11/25/index root/small.webp", "variants/2026/11/25/index root/small.avif"],
    });
    const avif = await s3.client.send(
      new GetObjectCommand({ Bucket: s3.bucket, Key: "variants/2026/11/25/index root/small.avif" }),
    );
    expect(avif.ContentType).toBe("image/avif");
  });
});
