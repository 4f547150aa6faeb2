import { bucketCorsRule } from "@lambda-lab/infra/emulated";
import { isPortFree } from "../http.js";
import type { S3Port } from "./s3/port.js";
import { startS3rverPort } from "./s3/s3rver.js";

export type { S3ObjectCreated, S3ObjectRemoved, S3Port } from "./s3/port.js";

/** The lab's S3: the S3 port (s3rver behind it), its port, and the one it asked for when that one was busy. */
export interface LabS3 extends S3Port {
  port: number;
  movedFrom?: number;
}

/**
 * The local S3: s3rver with its data in `directory` (kept across runs), on `port` or, when that is busy, on
 * a free one, with the bucket's CORS rule as the Pulumi program sets it (`bucketCorsRule`, one description for
 * both) for the stack's origins and the lab page's.
 */
export const startLabS3 = async (options: {
  directory: string;
  bucket: string;
  port: number;
  corsOrigins: readonly string[];
}): Promise<LabS3> => {
  // s3rver reports a busy port as an unhandled 'error' event, not a rejected start: look before binding.
  const busy = options.port !== 0 && !(await isPortFree(options.port, "127.0.0.1"));
  const s3 = await startS3rverPort({
    directory: options.directory,
    bucket: options.bucket,
    port: busy ? 0 : options.port,
  });
  try {
    await s3.setCors([bucketCorsRule(options.corsOrigins)]);
  } catch (error) {
    await s3.stop();
    throw error;
  }
  return busy ? { ...s3, movedFrom: options.port } : s3;
};
