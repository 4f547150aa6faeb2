/**
 * The lab's local S3, as the rest of the lab sees it: one bucket behind an S3 client, whatever server answers.
 * s3rver is one adapter (./s3rver.ts), an in-memory fake the other (./memory.ts); the same contract test runs
 * against both (test/unit/s3-port.test.ts), so swapping s3rver means writing one adapter that passes it.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { BucketCorsRule } from "@lambda-lab/infra/emulated";

export type { BucketCorsRule };

/**
 * An object written to the bucket, in neutral terms: the raw key (not URL-encoded), the size in bytes and
 * the MD5 ETag without quotes, as S3's notification record carries them. The lab builds S3's notification
 * from it (services/s3-notifications.ts); no server's own event shape leaves its adapter.
 */
export interface S3ObjectCreated {
  /** `ObjectCreated:Put`, `ObjectCreated:Post`, `ObjectCreated:Copy` (S3's event names, less the `s3:`). */
  eventName: `ObjectCreated:${string}`;
  bucket: string;
  key: string;
  size: number;
  /** Null when the server does not report one (s3rver's copies). */
  eTag: string | null;
}

/** An object deleted from the bucket: the page refreshes its uploads on it. */
export interface S3ObjectRemoved {
  eventName: `ObjectRemoved:${string}`;
  bucket: string;
  key: string;
}

export interface S3Port {
  /** Where the functions and the page reach it (`http://127.0.0.1:4569`). */
  endpoint: string;
  bucket: string;
  /** An SDK client signed with credentials the server accepts, path-style. */
  client: S3Client;
  /** Replaces the bucket's CORS configuration with these rules (S3's PutBucketCors). */
  setCors(rules: readonly BucketCorsRule[]): Promise<void>;
  /** Every object created in the bucket, after the write is stored. */
  onObjectCreated(listener: (record: S3ObjectCreated) => void): void;
  onObjectRemoved(listener: (record: S3ObjectRemoved) => void): void;
  /**
   * Sets an object's Last-Modified to `to`, as HEAD, GET and ListObjects then report it: the lab's time
   * travel (an upload older than the cleanup grace period without waiting hours). S3 itself has no such
   * call; each adapter does it its own way. Rejects naming the key when there is no such object. Another
   * bucket of the same server (the checkpoint demo's) can be named.
   */
  backdate(key: string, to: Date, options?: { bucket?: string }): Promise<void>;
  stop(): Promise<void>;
}

/** The error `backdate` rejects with for a key the bucket does not hold. */
export class NoSuchObjectError extends Error {
  constructor(readonly key: string) {
    super(`no object ${key} in the lab's S3`);
    this.name = "NoSuchObjectError";
  }
}

/** S3's ETag header is the MD5 in quotes; its notification record carries it bare. */
export const unquoteEtag = (etag: string | undefined | null): string | null =>
  etag ? etag.replace(/"/g, "") : null;
