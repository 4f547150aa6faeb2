import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { type ObjectStore, S3_BATCH_LIMIT } from "./object-store.js";

const isNotFound = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
};

/** The ObjectStore port over the AWS SDK v3 S3 client, for one bucket. */
export const createS3ObjectStore = (client: S3Client, bucket: string): ObjectStore => ({
  async get(key) {
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await out.Body?.transformToByteArray();
      return {
        body: Buffer.from(bytes ?? new Uint8Array()),
        size: out.ContentLength ?? bytes?.length ?? 0,
        etag: out.ETag ?? "",
        lastModified: out.LastModified ?? new Date(0),
        ...(out.ContentType ? { contentType: out.ContentType } : {}),
        metadata: out.Metadata ?? {},
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  },

  async head(key) {
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return {
        size: out.ContentLength ?? 0,
        etag: out.ETag ?? "",
        lastModified: out.LastModified ?? new Date(0),
        ...(out.ContentType ? { contentType: out.ContentType } : {}),
        metadata: out.Metadata ?? {},
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  },

  async put(key, body, options) {
    const out = await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: options.contentType,
        ...(options.cacheControl ? { CacheControl: options.cacheControl } : {}),
        ...(options.metadata ? { Metadata: options.metadata } : {}),
      }),
    );
    return { etag: out.ETag ?? "" };
  },

  async listPage(prefix, options = {}) {
    const out = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        MaxKeys: options.maxKeys ?? S3_BATCH_LIMIT,
        ...(options.startAfter ? { StartAfter: options.startAfter } : {}),
      }),
    );
    const objects = (out.Contents ?? []).map((o) => ({
      key: o.Key ?? "",
      size: o.Size ?? 0,
      etag: o.ETag ?? "",
      lastModified: o.LastModified ?? new Date(0),
    }));
    const last = objects.at(-1)?.key;
    return { objects, ...(out.IsTruncated && last !== undefined ? { nextStartAfter: last } : {}) };
  },

  async deleteMany(keys) {
    if (keys.length === 0) return { deleted: [], errors: [] };
    if (keys.length > S3_BATCH_LIMIT)
      throw new Error(`deleteMany takes at most ${S3_BATCH_LIMIT} keys, got ${keys.length}`);
    const out = await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: false },
      }),
    );
    return {
      deleted: (out.Deleted ?? []).map((d) => d.Key ?? ""),
      errors: (out.Errors ?? []).map((e) => ({
        key: e.Key ?? "",
        code: e.Code ?? "Unknown",
        message: e.Message ?? "",
      })),
    };
  },
});
