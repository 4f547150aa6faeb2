import { createHash } from "node:crypto";
import { type AwsCredentials, createAwsFetch, type RetryOptions } from "./aws-fetch.js";
import { type ObjectHead, type ObjectStore, S3_BATCH_LIMIT } from "./object-store.js";
import { deleteObjectsXml, element, parseDeleteResult, parseListObjectsV2 } from "./s3-xml.js";

/**
 * S3 answered with an error. Shaped like the SDK's service exceptions (`name` is S3's error code,
 * `$metadata.httpStatusCode` the status), so code that classifies SDK errors classifies these alike.
 */
export class S3RequestError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(
    readonly operation: string,
    status: number,
    code: string | undefined,
    detail: string | undefined,
  ) {
    super(`S3 ${operation} failed: HTTP ${status}${code ? ` ${code}` : ""}${detail ? `: ${detail}` : ""}`);
    // HEAD errors have no body; the SDK names them after the status, as here.
    this.name = code || STATUS_NAMES[status] || "S3ServiceError";
    this.$metadata = { httpStatusCode: status };
  }
}
const STATUS_NAMES: Record<number, string> = { 400: "BadRequest", 403: "Forbidden", 404: "NotFound" };

export interface S3RestObjectStoreOptions {
  bucket: string;
  /** AWS_REGION; checked at the first request, as the SDK does. */
  region: string | undefined;
  /** The role's credentials from the environment; checked at the first request. */
  credentials: Partial<AwsCredentials>;
  /** The local lab's S3 server (path-style); unset in AWS, where the regional virtual-hosted URL is used. */
  endpoint?: string | undefined;
  retry?: Partial<RetryOptions>;
}

/**
 * Keys become URL path segments. A `.` or `..` segment would be resolved away by every URL parser on the
 * way (WHATWG URL, hence fetch), silently addressing another object: refuse it. Listing and DeleteObjects
 * carry keys in the query or the body and take any key.
 */
const objectPath = (key: string): string => {
  const segments = key.split("/");
  if (key === "" || segments.some((s) => s === "." || s === ".."))
    throw new Error(`S3 key ${JSON.stringify(key)} cannot be addressed by URL: it has a "." or ".." segment`);
  return segments.map(encodeURIComponent).join("/");
};

const headOf = (headers: Headers): ObjectHead => {
  const metadata: Record<string, string> = {};
  for (const [name, value] of headers) if (name.startsWith("x-amz-meta-")) metadata[name.slice(11)] = value;
  const contentType = headers.get("content-type");
  return {
    size: Number(headers.get("content-length") ?? 0),
    etag: headers.get("etag") ?? "",
    lastModified: new Date(headers.get("last-modified") ?? 0),
    ...(contentType ? { contentType } : {}),
    metadata,
  };
};

const failure = async (operation: string, response: Response): Promise<S3RequestError> => {
  const body = await response.text().catch(() => "");
  return new S3RequestError(operation, response.status, element(body, "Code"), element(body, "Message"));
};

const sha256Hex = (body: Buffer | string) => createHash("sha256").update(body).digest("hex");
const md5Base64 = (body: string) => createHash("md5").update(body).digest("base64");

/**
 * The ObjectStore port over S3's REST API for one bucket, signed with aws4fetch: a few kilobytes where
 * the SDK's S3 client is ~400 KB of bundle and most of a function's cold start. Same contract as
 * `createS3ObjectStore` (the SDK adapter), which `test/integration/s3-object-store.test.ts` runs both
 * through: a 404 reads as undefined, per-key DeleteObjects failures are returned, other errors throw.
 */
export const createS3RestObjectStore = (options: S3RestObjectStoreOptions): ObjectStore => {
  // A local endpoint ignores the region in the signature; the SDK adapter defaulted it to us-east-1 there.
  const region = options.region ?? (options.endpoint ? "us-east-1" : undefined);
  const send = createAwsFetch({
    service: "s3",
    region,
    credentials: options.credentials,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  // Path-style on a local endpoint, and (as the SDK does) for a bucket name with dots, which no
  // wildcard TLS certificate covers as a host name; virtual-hosted style otherwise.
  const base = options.endpoint
    ? `${options.endpoint.replace(/\/+$/, "")}/${encodeURIComponent(options.bucket)}`
    : options.bucket.includes(".")
      ? `https://s3.${region}.amazonaws.com/${options.bucket}`
      : `https://${options.bucket}.s3.${region}.amazonaws.com`;
  const objectUrl = (key: string) => `${base}/${objectPath(key)}`;

  return {
    async get(key) {
      const response = await send(objectUrl(key), { method: "GET" });
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) throw await failure(`GetObject ${key}`, response);
      // fetch decodes a Content-Encoding (the SDK would not); no object here has one: uploads come through
      // a POST policy that allows no such field, and the functions never set it.
      const body = Buffer.from(await response.arrayBuffer());
      return { ...headOf(response.headers), size: body.length, body };
    },

    async head(key) {
      const response = await send(objectUrl(key), { method: "HEAD" });
      if (response.status === 404) return undefined;
      if (!response.ok) throw new S3RequestError(`HeadObject ${key}`, response.status, undefined, undefined);
      return headOf(response.headers);
    },

    async put(key, body, putOptions) {
      const headers: Record<string, string> = {
        "content-type": putOptions.contentType,
        // The payload's hash is signed, so S3 rejects a body changed or cut short on the way.
        "x-amz-content-sha256": sha256Hex(body),
        ...(putOptions.cacheControl ? { "cache-control": putOptions.cacheControl } : {}),
      };
      for (const [name, value] of Object.entries(putOptions.metadata ?? {}))
        headers[`x-amz-meta-${name.toLowerCase()}`] = value;
      // A Buffer is a Uint8Array fetch takes as is; DOM typings (the lab's) only doubt its backing buffer.
      const payload = body as string | Uint8Array<ArrayBuffer>;
      const response = await send(objectUrl(key), { method: "PUT", headers, body: payload });
      if (!response.ok) throw await failure(`PutObject ${key}`, response);
      await response.body?.cancel();
      return { etag: response.headers.get("etag") ?? "" };
    },

    async listPage(prefix, pageOptions = {}) {
      const query = new URLSearchParams({
        "list-type": "2",
        prefix,
        "max-keys": String(pageOptions.maxKeys ?? S3_BATCH_LIMIT),
        "encoding-type": "url",
        ...(pageOptions.startAfter ? { "start-after": pageOptions.startAfter } : {}),
      });
      // URLSearchParams writes a space as "+"; S3 reads "+" as a plus, so spell spaces %20.
      const response = await send(`${base}?${query.toString().replace(/\+/g, "%20")}`, { method: "GET" });
      if (!response.ok) throw await failure(`ListObjectsV2 ${prefix}`, response);
      const { objects, isTruncated } = parseListObjectsV2(await response.text());
      const last = objects.at(-1)?.key;
      return { objects, ...(isTruncated && last !== undefined ? { nextStartAfter: last } : {}) };
    },

    async deleteMany(keys) {
      if (keys.length === 0) return { deleted: [], errors: [] };
      if (keys.length > S3_BATCH_LIMIT)
        throw new Error(`deleteMany takes at most ${S3_BATCH_LIMIT} keys, got ${keys.length}`);
      const body = deleteObjectsXml(keys);
      // DeleteObjects requires an integrity header; Content-MD5 is the one every S3 (and s3rver) accepts.
      const response = await send(`${base}?delete=`, {
        method: "POST",
        headers: {
          "content-type": "application/xml",
          "content-md5": md5Base64(body),
          "x-amz-content-sha256": sha256Hex(body),
        },
        body,
      });
      if (!response.ok) throw await failure(`DeleteObjects (${keys.length} keys)`, response);
      return parseDeleteResult(await response.text());
    },
  };
};
