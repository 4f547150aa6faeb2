/**
 * The S3 port over s3rver (the shared harness `startLocalS3`, data on disk). Everything that knows s3rver's
 * own shapes stays in this file: its event records and the files it keeps each object in.
 */
import { stat, utimes } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { PutBucketCorsCommand } from "@aws-sdk/client-s3";
import { type S3rverEvent, startLocalS3 } from "@lambda-lab/shared/testing";
import {
  type BucketCorsRule,
  NoSuchObjectError,
  type S3ObjectCreated,
  type S3ObjectRemoved,
  type S3Port,
  unquoteEtag,
} from "./port.js";

export interface S3rverPort extends S3Port {
  /** The port s3rver listens on. */
  port: number;
}

/**
 * Where s3rver keeps an object's bytes: `<directory>/<bucket>/<key>._S3rver_object` (its FilesystemStore;
 * on Linux keys are not escaped). Its mtime is what s3rver answers as Last-Modified, in HEAD, GET and
 * ListObjects alike. A key that would leave the bucket's folder (`../`) is refused.
 */
export const s3rverObjectPath = (directory: string, bucket: string, key: string): string => {
  const bucketDir = resolve(directory, bucket);
  const file = resolve(bucketDir, `${key}._S3rver_object`);
  const inside = relative(bucketDir, file);
  if (inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside))
    throw new Error(`S3 key ${JSON.stringify(key)} leaves the bucket's folder`);
  return join(bucketDir, inside);
};

/** S3's CORSRule (PutBucketCors) from the program's rule description. */
export const toS3CorsRule = (rule: BucketCorsRule) => ({
  AllowedOrigins: [...rule.allowedOrigins],
  AllowedMethods: [...rule.allowedMethods],
  AllowedHeaders: [...rule.allowedHeaders],
  ExposeHeaders: [...rule.exposeHeaders],
  MaxAgeSeconds: rule.maxAgeSeconds,
});

/** Starts s3rver on loopback with one bucket whose data lives in `directory` (kept on stop). */
export const startS3rverPort = async (options: {
  directory: string;
  bucket: string;
  /** 0 picks a free one. */
  port: number;
}): Promise<S3rverPort> => {
  const s3 = await startLocalS3({
    directory: options.directory,
    bucket: options.bucket,
    port: options.port,
    recordEvents: false,
  });
  const created: ((record: S3ObjectCreated) => void)[] = [];
  const removed: ((record: S3ObjectRemoved) => void)[] = [];
  s3.onEvent((event: S3rverEvent) => {
    for (const r of event.Records) {
      const bucket = r.s3.bucket.name;
      const key = r.s3.object.key;
      if (r.eventName.startsWith("ObjectCreated:")) {
        const record: S3ObjectCreated = {
          eventName: r.eventName as S3ObjectCreated["eventName"],
          bucket,
          key,
          size: r.s3.object.size ?? 0,
          eTag: unquoteEtag(r.s3.object.eTag),
        };
        for (const listener of created) listener(record);
      } else if (r.eventName.startsWith("ObjectRemoved:")) {
        const record: S3ObjectRemoved = {
          eventName: r.eventName as S3ObjectRemoved["eventName"],
          bucket,
          key,
        };
        for (const listener of removed) listener(record);
      }
    }
  });
  return {
    endpoint: s3.endpoint,
    port: s3.port,
    bucket: s3.bucket,
    client: s3.client,
    // The same call the program's BucketCorsConfiguration makes in AWS; s3rver implements it.
    setCors: async (rules) => {
      await s3.client.send(
        new PutBucketCorsCommand({
          Bucket: s3.bucket,
          CORSConfiguration: { CORSRules: rules.map(toS3CorsRule) },
        }),
      );
    },
    onObjectCreated: (listener) => void created.push(listener),
    onObjectRemoved: (listener) => void removed.push(listener),
    // S3 has no call that sets Last-Modified; s3rver reads it from the object file's mtime, so setting the
    // mtime (utimes) is the only way, and it stays inside this adapter.
    backdate: async (key, to, where) => {
      const file = s3rverObjectPath(options.directory, where?.bucket ?? s3.bucket, key);
      await stat(file).catch(() => {
        throw new NoSuchObjectError(key);
      });
      await utimes(file, to, to);
    },
    stop: () => s3.stop(),
  };
};
