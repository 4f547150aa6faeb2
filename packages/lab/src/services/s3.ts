import { type LocalS3, startLocalS3 } from "@lambda-lab/shared/testing";
import { isPortFree } from "../http.js";

/** The lab's S3: the shared local S3, plus the port it asked for when that one was busy. */
export interface LabS3 extends LocalS3 {
  movedFrom?: number;
}

const xmlEscape = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The bucket's CORS rules, as the Pulumi program sets them: the browser POSTs the presigned form and reads
 * variants straight from S3, from the stack's origins and the lab page's.
 */
export const corsConfiguration = (origins: readonly string[]): string =>
  [
    "<CORSConfiguration>",
    "<CORSRule>",
    ...origins.map((origin) => `<AllowedOrigin>${xmlEscape(origin)}</AllowedOrigin>`),
    "<AllowedMethod>GET</AllowedMethod>",
    "<AllowedMethod>HEAD</AllowedMethod>",
    "<AllowedMethod>POST</AllowedMethod>",
    "<AllowedHeader>*</AllowedHeader>",
    "<ExposeHeader>ETag</ExposeHeader>",
    "<MaxAgeSeconds>600</MaxAgeSeconds>",
    "</CORSRule>",
    "</CORSConfiguration>",
  ].join("");

/**
 * The local S3: the shared s3rver harness with its data in `directory` (kept across runs) and the bucket's
 * CORS rules, on `port` or, when that is busy, on a free one.
 */
export const startLabS3 = async (options: {
  directory: string;
  bucket: string;
  port: number;
  corsOrigins: readonly string[];
}): Promise<LabS3> => {
  // s3rver reports a busy port as an unhandled 'error' event, not a rejected start: look before binding.
  const busy = options.port !== 0 && !(await isPortFree(options.port, "127.0.0.1"));
  const s3 = await startLocalS3({
    directory: options.directory,
    bucket: options.bucket,
    port: busy ? 0 : options.port,
    bucketConfigs: [corsConfiguration(options.corsOrigins)],
    recordEvents: false,
  });
  return busy ? { ...s3, movedFrom: options.port } : s3;
};
