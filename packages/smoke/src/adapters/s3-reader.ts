import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ObjectReader } from "../ports.js";

/**
 * Reads the image bucket. Only NoSuchKey means "not there yet": NoSuchBucket and AccessDenied are thrown, so a
 * wrong bucket fails at once instead of looking like a transform that never finished. (S3 answers 403, not 404,
 * for a missing key to a caller without s3:ListBucket:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions".)
 */
export const createS3Reader = (client: S3Client, bucket: string): ObjectReader => ({
  bucket,
  async get(key) {
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
    } catch (error) {
      if ((error as { name?: string }).name === "NoSuchKey") return undefined;
      throw error;
    }
  },
  async exists(key) {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      // HEAD has no body, so a 404 is all S3 says; the bucket itself was read a moment before.
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === "NotFound" || e.$metadata?.httpStatusCode === 404) return false;
      throw error;
    }
  },
});
