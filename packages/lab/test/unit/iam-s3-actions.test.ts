import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessKeyOf,
  authContextOf,
  deleteKeysOf,
  parseS3Path,
  type S3Operation,
  s3CallsOf,
} from "../../src/iam/s3-actions.js";

// The mapping is checked against the requests the AWS SDK really sends (the functions' own client), caught
// by a server that records them, not against hand-written URLs.
interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
let server: Server;
let captured: Captured[] = [];
let client: S3Client;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      captured.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(req.method === "HEAD" ? undefined : "<Ok/>");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  client = new S3Client({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: "eu-west-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "LAB-TRANSFORM", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** What the proxy makes of the one request `send` produces. */
const mapped = async (
  send: () => Promise<unknown>,
): Promise<{ op: S3Operation; key?: string; auth: unknown }> => {
  captured = [];
  await send().catch(() => undefined); // the recorder's answers are not valid S3 responses; only the request matters
  expect(captured).toHaveLength(1);
  const request = captured[0] as Captured;
  const url = new URL(request.url, "http://x");
  const { bucket, key } = parseS3Path(url.pathname);
  const deleteKeys = url.searchParams.has("delete") ? deleteKeysOf(request.body) : undefined;
  return {
    op: s3CallsOf(
      { method: request.method, bucket, key, query: url.searchParams, headers: request.headers },
      deleteKeys,
    ),
    key: accessKeyOf(request.headers, url.searchParams),
    auth: authContextOf(request.headers, url.searchParams),
  };
};

const B = "lambda-lab-dev-images";

describe("S3 requests → IAM actions (Service Authorization Reference, S3 User Guide)", () => {
  it("reads the caller's access key and auth type from the SDK's SigV4 header", async () => {
    const { key, auth } = await mapped(() =>
      client.send(new GetObjectCommand({ Bucket: B, Key: "uploads/a.jpg" })),
    );
    expect(key).toBe("LAB-TRANSFORM");
    expect(auth).toEqual({ "s3:authType": "REST-HEADER", "s3:signatureversion": "AWS4-HMAC-SHA256" });
  });

  it("authorizes GetObject and HeadObject as s3:GetObject on the decoded key", async () => {
    const get = await mapped(() =>
      client.send(new GetObjectCommand({ Bucket: B, Key: "uploads/a b+c ü.jpg" })),
    );
    const head = await mapped(() =>
      client.send(new HeadObjectCommand({ Bucket: B, Key: "variants/x/manifest.json" })),
    );
    expect(get.op).toEqual({
      kind: "calls",
      operation: "GetObject",
      calls: [{ action: "s3:GetObject", resource: `arn:aws:s3:::${B}/uploads/a b+c ü.jpg`, context: {} }],
    });
    expect(head.op).toMatchObject({
      operation: "HeadObject",
      calls: [{ action: "s3:GetObject", resource: `arn:aws:s3:::${B}/variants/x/manifest.json` }],
    });
  });

  it("turns a versionId into the Version actions", async () => {
    const get = await mapped(() =>
      client.send(new GetObjectCommand({ Bucket: B, Key: "k", VersionId: "v1" })),
    );
    const del = await mapped(() =>
      client.send(new DeleteObjectCommand({ Bucket: B, Key: "k", VersionId: "v1" })),
    );
    expect(get.op).toMatchObject({ calls: [{ action: "s3:GetObjectVersion" }] });
    expect(del.op).toMatchObject({ calls: [{ action: "s3:DeleteObjectVersion" }] });
  });

  it("authorizes PutObject, and the tags sent with it as s3:PutObjectTagging", async () => {
    const put = await mapped(() =>
      client.send(
        new PutObjectCommand({ Bucket: B, Key: "variants/x/thumb.webp", Body: "x", Tagging: "a=b" }),
      ),
    );
    expect(put.op).toEqual({
      kind: "calls",
      operation: "PutObject",
      calls: [
        { action: "s3:PutObject", resource: `arn:aws:s3:::${B}/variants/x/thumb.webp`, context: {} },
        { action: "s3:PutObjectTagging", resource: `arn:aws:s3:::${B}/variants/x/thumb.webp`, context: {} },
      ],
    });
  });

  it("authorizes ListObjectsV2 as s3:ListBucket on the bucket with s3:prefix, s3:delimiter and s3:max-keys", async () => {
    const list = await mapped(() =>
      client.send(
        new ListObjectsV2Command({ Bucket: B, Prefix: "variants/2026/", Delimiter: "/", MaxKeys: 50 }),
      ),
    );
    expect(list.op).toEqual({
      kind: "calls",
      operation: "ListObjectsV2",
      calls: [
        {
          action: "s3:ListBucket",
          resource: `arn:aws:s3:::${B}`,
          context: { "s3:prefix": "variants/2026/", "s3:delimiter": "/", "s3:max-keys": "50" },
        },
      ],
    });
  });

  it("sets no s3:prefix for a listing without one (a prefix-conditioned grant then does not apply)", async () => {
    const list = await mapped(() => client.send(new ListObjectsV2Command({ Bucket: B })));
    expect(list.op).toMatchObject({ calls: [{ action: "s3:ListBucket", context: {} }] });
  });

  it("authorizes HeadBucket as s3:ListBucket", async () => {
    const head = await mapped(() => client.send(new HeadBucketCommand({ Bucket: B })));
    expect(head.op).toMatchObject({
      operation: "HeadBucket",
      calls: [{ action: "s3:ListBucket", resource: `arn:aws:s3:::${B}` }],
    });
  });

  it("authorizes DeleteObjects as s3:DeleteObject on every key of the body", async () => {
    const del = await mapped(() =>
      client.send(
        new DeleteObjectsCommand({
          Bucket: B,
          Delete: {
            Objects: [{ Key: "uploads/a&b.jpg" }, { Key: "variants/x/thumb.webp", VersionId: "v2" }],
          },
        }),
      ),
    );
    expect(del.op).toEqual({
      kind: "calls",
      operation: "DeleteObjects",
      calls: [
        { action: "s3:DeleteObject", resource: `arn:aws:s3:::${B}/uploads/a&b.jpg`, context: {} },
        {
          action: "s3:DeleteObjectVersion",
          resource: `arn:aws:s3:::${B}/variants/x/thumb.webp`,
          context: {},
        },
      ],
    });
  });

  it("authorizes CopyObject as s3:GetObject on the source and s3:PutObject on the target", async () => {
    const copy = await mapped(() =>
      client.send(
        new CopyObjectCommand({ Bucket: B, Key: "variants/x/copy.jpg", CopySource: `${B}/uploads/a b.jpg` }),
      ),
    );
    expect(copy.op).toMatchObject({
      operation: "CopyObject",
      calls: [
        { action: "s3:GetObject", resource: `arn:aws:s3:::${B}/uploads/a b.jpg` },
        { action: "s3:PutObject", resource: `arn:aws:s3:::${B}/variants/x/copy.jpg` },
      ],
    });
  });

  it("leaves requests outside its tables unmapped instead of allowing them", () => {
    const op = s3CallsOf({
      method: "PATCH",
      bucket: B,
      key: "k",
      query: new URLSearchParams(),
      headers: {},
    });
    expect(op.kind).toBe("unmapped");
    expect(
      s3CallsOf({ method: "OPTIONS", bucket: B, key: "k", query: new URLSearchParams(), headers: {} }).kind,
    ).toBe("none");
  });
});
