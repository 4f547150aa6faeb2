/**
 * An in-memory adapter of the S3 port, for unit tests: a real `S3Client` whose commands are answered from a
 * Map by a middleware at the client's first step, so no request leaves the process. It answers the calls the
 * lab makes (Put/Head/Get/Delete/CopyObject, ListObjectsV2, Put/GetBucketCors) with S3's shapes; any other
 * command fails naming itself, so a test never passes on a call the fake silently ignored.
 */
import { createHash } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import {
  type BucketCorsRule,
  NoSuchObjectError,
  type S3ObjectCreated,
  type S3ObjectRemoved,
  type S3Port,
} from "./port.js";

interface StoredObject {
  body: Buffer;
  etag: string;
  lastModified: Date;
  contentType: string | undefined;
  metadata: Record<string, string>;
}

/** S3 reports Last-Modified to the second (an HTTP date); so does the fake. */
const toSecond = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);

const s3Error = (name: string, status: number, message: string) =>
  Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode: status } });

const bytesOf = (body: unknown): Buffer => {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  throw new Error("the in-memory S3 takes string, Buffer or Uint8Array bodies");
};

export interface MemoryS3Port extends S3Port {
  /** The bucket's CORS rules as last set (tests read them; S3's GetBucketCors answers them too). */
  cors(): readonly BucketCorsRule[] | undefined;
}

export const createMemoryS3Port = (options: { bucket: string; now?: () => Date }): MemoryS3Port => {
  const now = options.now ?? (() => new Date());
  const objects = new Map<string, StoredObject>();
  let cors: BucketCorsRule[] | undefined;
  const created: ((record: S3ObjectCreated) => void)[] = [];
  const removed: ((record: S3ObjectRemoved) => void)[] = [];
  const store = (key: string, object: StoredObject, eventName: S3ObjectCreated["eventName"]) => {
    objects.set(key, object);
    const record = { eventName, bucket: options.bucket, key, size: object.body.length, eTag: object.etag };
    for (const listener of created) listener(record);
  };
  const checkBucket = (bucket: unknown) => {
    if (bucket !== options.bucket)
      throw s3Error("NoSuchBucket", 404, `The specified bucket does not exist: ${String(bucket)}`);
  };
  const found = (bucket: unknown, key: unknown, missing: () => Error): StoredObject => {
    checkBucket(bucket);
    const object = objects.get(String(key));
    if (!object) throw missing();
    return object;
  };
  const head = (o: StoredObject) => ({
    ContentLength: o.body.length,
    ContentType: o.contentType,
    ETag: `"${o.etag}"`,
    LastModified: toSecond(o.lastModified),
    Metadata: { ...o.metadata },
  });

  // biome-ignore lint/suspicious/noExplicitAny: command inputs differ per command; each case reads its own.
  const answer = (command: string, input: any): Record<string, unknown> => {
    switch (command) {
      case "PutObjectCommand": {
        checkBucket(input.Bucket);
        const body = bytesOf(input.Body);
        const etag = createHash("md5").update(body).digest("hex");
        store(
          input.Key,
          {
            body,
            etag,
            lastModified: now(),
            contentType: input.ContentType,
            metadata: { ...(input.Metadata ?? {}) },
          },
          "ObjectCreated:Put",
        );
        return { ETag: `"${etag}"` };
      }
      case "CopyObjectCommand": {
        const [sourceBucket, ...rest] = decodeURIComponent(String(input.CopySource))
          .replace(/^\//, "")
          .split("/");
        const source = found(sourceBucket, rest.join("/"), () =>
          s3Error("NoSuchKey", 404, "no source object"),
        );
        store(input.Key, { ...source, lastModified: now() }, "ObjectCreated:Copy");
        return { CopyObjectResult: { ETag: `"${source.etag}"` } };
      }
      case "HeadObjectCommand":
        return head(found(input.Bucket, input.Key, () => s3Error("NotFound", 404, "NotFound")));
      case "GetObjectCommand": {
        const object = found(input.Bucket, input.Key, () =>
          s3Error("NoSuchKey", 404, "The specified key does not exist."),
        );
        const bytes = Buffer.from(object.body);
        return {
          ...head(object),
          Body: {
            transformToString: async (encoding?: BufferEncoding) => bytes.toString(encoding ?? "utf8"),
            transformToByteArray: async () => new Uint8Array(bytes),
          },
        };
      }
      case "DeleteObjectCommand": {
        checkBucket(input.Bucket);
        if (objects.delete(String(input.Key)))
          for (const listener of removed)
            listener({ eventName: "ObjectRemoved:Delete", bucket: options.bucket, key: String(input.Key) });
        return {};
      }
      case "ListObjectsV2Command": {
        checkBucket(input.Bucket);
        const prefix = String(input.Prefix ?? "");
        const max = Number(input.MaxKeys ?? 1000);
        const keys = [...objects.keys()]
          .filter((k) => k.startsWith(prefix) && (!input.ContinuationToken || k > input.ContinuationToken))
          .sort();
        const page = keys.slice(0, max);
        const truncated = keys.length > page.length;
        return {
          Contents: page.map((key) => {
            const o = objects.get(key) as StoredObject;
            return {
              Key: key,
              Size: o.body.length,
              ETag: `"${o.etag}"`,
              LastModified: toSecond(o.lastModified),
            };
          }),
          KeyCount: page.length,
          IsTruncated: truncated,
          ...(truncated ? { NextContinuationToken: page.at(-1) } : {}),
        };
      }
      case "PutBucketCorsCommand":
        checkBucket(input.Bucket);
        cors = (input.CORSConfiguration?.CORSRules ?? []).map(
          // biome-ignore lint/suspicious/noExplicitAny: S3's CORSRule, read field by field.
          (r: any): BucketCorsRule => ({
            allowedOrigins: [...(r.AllowedOrigins ?? [])],
            allowedMethods: [...(r.AllowedMethods ?? [])],
            allowedHeaders: [...(r.AllowedHeaders ?? [])],
            exposeHeaders: [...(r.ExposeHeaders ?? [])],
            maxAgeSeconds: r.MaxAgeSeconds,
          }),
        );
        return {};
      case "GetBucketCorsCommand":
        checkBucket(input.Bucket);
        if (!cors) throw s3Error("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist");
        return {
          CORSRules: cors.map((r) => ({
            AllowedOrigins: [...r.allowedOrigins],
            AllowedMethods: [...r.allowedMethods],
            AllowedHeaders: [...r.allowedHeaders],
            ExposeHeaders: [...r.exposeHeaders],
            MaxAgeSeconds: r.maxAgeSeconds,
          })),
        };
      default:
        throw new Error(`the in-memory S3 does not answer ${command}`);
    }
  };

  const client = new S3Client({
    region: "us-east-1",
    endpoint: `http://memory.invalid`,
    forcePathStyle: true,
    credentials: { accessKeyId: "MEMORY", secretAccessKey: "MEMORY" },
  });
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const output = answer(String(context.commandName), args.input);
      return { output: { ...output, $metadata: { httpStatusCode: 200 } }, response: {} } as never;
    },
    { step: "initialize", name: "memoryS3", priority: "high" },
  );

  return {
    endpoint: "http://memory.invalid",
    bucket: options.bucket,
    client,
    cors: () => cors,
    setCors: async (rules) => {
      cors = rules.map((r) => structuredClone(r));
    },
    onObjectCreated: (listener) => void created.push(listener),
    onObjectRemoved: (listener) => void removed.push(listener),
    backdate: async (key, to, where) => {
      checkBucket(where?.bucket ?? options.bucket);
      const object = objects.get(key);
      if (!object) throw new NoSuchObjectError(key);
      object.lastModified = to;
    },
    stop: async () => client.destroy(),
  };
};
