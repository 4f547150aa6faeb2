/**
 * The lab's S3 (s3rver behind the S3 port) carries the bucket CORS rule the Pulumi program deploys, built
 * from the same description (`bucketCorsRule` in @lambda-lab/infra/emulated), not a copy of its own.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetBucketCorsCommand } from "@aws-sdk/client-s3";
import { BUCKET_CORS_MAX_AGE_SECONDS, bucketCorsRule } from "@lambda-lab/infra/emulated";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LabS3, startLabS3 } from "../../src/services/s3.js";

const BUCKET = "lambda-lab-dev-images-000000000000";
const ORIGINS = ["https://app.example", "http://127.0.0.1:5173"];
let s3: LabS3;
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "lab-s3-cors-"));
  s3 = await startLabS3({ directory, bucket: BUCKET, port: 0, corsOrigins: ORIGINS });
});
afterAll(async () => {
  await s3?.stop();
  await rm(directory, { recursive: true, force: true });
});

describe("the lab's S3 bucket CORS", () => {
  it("is the program's rule for the stack's and the page's origins (max-age 3000 s)", async () => {
    const { CORSRules } = await s3.client.send(new GetBucketCorsCommand({ Bucket: BUCKET }));
    const rule = bucketCorsRule(ORIGINS);

    expect(CORSRules).toEqual([
      {
        AllowedOrigins: rule.allowedOrigins,
        AllowedMethods: rule.allowedMethods,
        AllowedHeaders: rule.allowedHeaders,
        ExposeHeaders: rule.exposeHeaders,
        MaxAgeSeconds: BUCKET_CORS_MAX_AGE_SECONDS,
      },
    ]);
  });

  it("answers a browser's preflight for the presigned POST from an allowed origin", async () => {
    const response = await fetch(`${s3.endpoint}/${BUCKET}/uploads/x.jpg`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-methods")).toBe("POST, GET, HEAD");
  });

  it("refuses the preflight of an origin the stack does not list", async () => {
    const response = await fetch(`${s3.endpoint}/${BUCKET}/uploads/x.jpg`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });

    expect(response.status).toBe(403);
  });
});
