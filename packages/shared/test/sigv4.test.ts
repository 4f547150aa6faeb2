import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParameterReader } from "../src/aws-secrets.js";
import { createS3RestObjectStore } from "../src/s3-rest-object-store.js";

/**
 * s3rver does not check signatures, so a wrong one would only show in AWS. These tests hold every request
 * the REST clients send to the AWS SDK's own signer (@smithy/signature-v4, what S3Client and SSMClient
 * sign with): re-signed from what arrived on the wire, it must give the same Authorization header.
 */
const captured: { request: IncomingMessage; body: string }[] = [];
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (c: Buffer) => chunks.push(c));
  request.on("end", () => {
    captured.push({ request, body: Buffer.concat(chunks).toString("utf8") });
    const listing = request.url?.includes("list-type=2");
    response
      .writeHead(200, { etag: '"e"' })
      .end(
        listing
          ? "<ListBucketResult></ListBucketResult>"
          : request.url?.includes("delete")
            ? "<DeleteResult/>"
            : "{}",
      );
  });
});
let endpoint = "";
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  endpoint = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "FwoGZXIvYXdzEXAMPLE",
};
const region = "ap-northeast-2";

/** S3 canonicalises a path segment by encoding every byte but A-Z a-z 0-9 - . _ ~ (RFC 3986). */
const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const sdkAuthorization = async (service: string, { request, body }: (typeof captured)[number]) => {
  const auth = String(request.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(";") ?? [];
  const date = String(request.headers["x-amz-date"]);
  const [rawPath = "", rawQuery = ""] = (request.url ?? "").split("?");
  const signer = new SignatureV4({
    service,
    region,
    credentials,
    sha256: Sha256,
    // S3 signs the path encoded once; the other services encode it twice (the SDK's settings per client).
    uriEscapePath: service !== "s3",
    // S3 signs x-amz-content-sha256 (the REST store sends it); JSON services sign the body hash unsent.
    applyChecksum: service === "s3",
  });
  const signed = await signer.sign(
    {
      method: request.method ?? "GET",
      protocol: "http:",
      hostname: "127.0.0.1",
      port,
      path:
        service === "s3"
          ? rawPath
              .split("/")
              .map((s) => rfc3986(decodeURIComponent(s)))
              .join("/")
          : rawPath,
      query: Object.fromEntries(new URLSearchParams(rawQuery)),
      headers: Object.fromEntries(signedHeaders.map((h) => [h, String(request.headers[h])])),
      body,
    },
    {
      signingDate: new Date(
        `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
      ),
    },
  );
  return { ours: auth, sdk: String(signed.headers.authorization) };
};

describe("SigV4 signatures of the REST clients equal the AWS SDK signer's", () => {
  it("for each S3 call, with keys that need encoding in a path, a query and a body", async () => {
    captured.length = 0;
    const store = createS3RestObjectStore({
      bucket: "lab-images",
      endpoint,
      region,
      credentials,
      retry: { maxAttempts: 1 },
    });
    const key = "uploads/2026/11/25/a b+c (1)!*'~사진.jpg";

    await store.get(key);
    await store.head(key);
    await store.put(key, Buffer.from("bytes"), {
      contentType: "image/jpeg",
      metadata: { "source-etag": "e1" },
    });
    await store.listPage("uploads/a b+/", { startAfter: key, maxKeys: 10 });
    await store.deleteMany([key, "uploads/x&y.jpg"]);

    expect(captured).toHaveLength(5);
    for (const call of captured) {
      const { ours, sdk } = await sdkAuthorization("s3", call);
      expect(ours).toBe(sdk);
    }
  });

  it("for SSM's JSON protocol", async () => {
    captured.length = 0;
    await createParameterReader({ endpoint, region, credentials, retry: { maxAttempts: 1 } })("/lab/p").catch(
      () => {},
    );

    expect(captured).toHaveLength(1);
    const { ours, sdk } = await sdkAuthorization("ssm", captured[0] as (typeof captured)[number]);
    expect(ours).toBe(sdk);
  });
});
