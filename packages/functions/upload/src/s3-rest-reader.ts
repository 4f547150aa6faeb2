import type { ListedObject, ObjectHead, ObjectStore } from "@lambda-lab/shared";
import { AwsClient } from "aws4fetch";
import type { SigningCredentials } from "./post-policy.js";

/** The reads GET /uploads/{id} needs: a narrow slice of the shared ObjectStore port. */
export type ObjectReader = Pick<ObjectStore, "get" | "head" | "listPage">;

/** S3 answered with something other than success or "no such key". */
export class S3RequestError extends Error {
  override name = "S3RequestError";
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(`S3 ${operation} failed: HTTP ${status}${code ? ` ${code}` : ""}`);
  }
}

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const decodeXml = (text: string): string =>
  text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) =>
    entity.startsWith("#x")
      ? String.fromCodePoint(Number.parseInt(entity.slice(2), 16))
      : entity.startsWith("#")
        ? String.fromCodePoint(Number.parseInt(entity.slice(1), 10))
        : (XML_ENTITIES[entity] ?? ""),
  );
const element = (xml: string, name: string): string | undefined => {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match?.[1] === undefined ? undefined : decodeXml(match[1]);
};

/**
 * Reads a ListObjectsV2 result. S3's listing XML is flat and machine-written, so pulling out the few
 * elements we need with patterns is safe here and saves bundling an XML parser.
 */
export const parseListObjectsV2 = (xml: string): { objects: ListedObject[]; isTruncated: boolean } => {
  const objects = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map(([, block = ""]) => ({
    key: element(block, "Key") ?? "",
    size: Number(element(block, "Size") ?? 0),
    etag: element(block, "ETag") ?? "",
    lastModified: new Date(element(block, "LastModified") ?? 0),
  }));
  return { objects, isTruncated: element(xml, "IsTruncated") === "true" };
};

const encodeKey = (key: string) => key.split("/").map(encodeURIComponent).join("/");

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

const failure = async (operation: string, response: Response) => {
  const body = await response.text().catch(() => "");
  return new S3RequestError(operation, response.status, element(body, "Code") ?? "");
};

/**
 * The ObjectReader over S3's REST API, signed with aws4fetch: a few kilobytes instead of the SDK's S3
 * client, which is what keeps this function's bundle and cold start small.
 * `bucketUrl` is the bucket's base URL: virtual-hosted in AWS, path-style on a local endpoint.
 */
export const createS3RestReader = (options: {
  bucketUrl: string;
  region: string;
  credentials: SigningCredentials;
  /** aws4fetch retries 5xx and 429 with backoff; a polling page can afford only a short wait. */
  retries?: number;
}): ObjectReader => {
  const client = new AwsClient({
    accessKeyId: options.credentials.accessKeyId,
    secretAccessKey: options.credentials.secretAccessKey,
    ...(options.credentials.sessionToken ? { sessionToken: options.credentials.sessionToken } : {}),
    service: "s3",
    region: options.region,
    retries: options.retries ?? 2,
  });
  const base = options.bucketUrl.replace(/\/+$/, "");
  const objectUrl = (key: string) => `${base}/${encodeKey(key)}`;

  return {
    async get(key) {
      const response = await client.fetch(objectUrl(key), { method: "GET" });
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) throw await failure(`GetObject ${key}`, response);
      return { ...headOf(response.headers), body: Buffer.from(await response.arrayBuffer()) };
    },

    async head(key) {
      const response = await client.fetch(objectUrl(key), { method: "HEAD" });
      if (response.status === 404) return undefined;
      if (!response.ok) throw new S3RequestError(`HeadObject ${key}`, response.status, "");
      return headOf(response.headers);
    },

    async listPage(prefix, pageOptions = {}) {
      const query = [
        "list-type=2",
        `prefix=${encodeURIComponent(prefix)}`,
        `max-keys=${pageOptions.maxKeys ?? 1000}`,
        ...(pageOptions.startAfter ? [`start-after=${encodeURIComponent(pageOptions.startAfter)}`] : []),
      ].join("&");
      const response = await client.fetch(`${base}?${query}`, { method: "GET" });
      if (!response.ok) throw await failure(`ListObjectsV2 ${prefix}`, response);
      const { objects, isTruncated } = parseListObjectsV2(await response.text());
      const last = objects.at(-1)?.key;
      return { objects, ...(isTruncated && last !== undefined ? { nextStartAfter: last } : {}) };
    },
  };
};
