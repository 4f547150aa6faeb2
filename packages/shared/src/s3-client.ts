import { S3Client } from "@aws-sdk/client-s3";

/**
 * The S3 client every function builds in its composition root. In the cloud `endpoint` is undefined and the
 * SDK uses the Lambda role's credentials. The local lab passes its S3 server's URL: path-style addressing,
 * and checksums only where S3 requires them (the local server predates the SDK's default CRC32 checksums).
 */
export const createS3Client = (
  options: { endpoint?: string | undefined; region?: string | undefined } = {},
): S3Client =>
  options.endpoint
    ? new S3Client({
        endpoint: options.endpoint,
        region: options.region ?? "us-east-1",
        forcePathStyle: true,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      })
    : new S3Client(options.region ? { region: options.region } : {});
