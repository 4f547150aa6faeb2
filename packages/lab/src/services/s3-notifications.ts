import { randomBytes } from "node:crypto";
import type { S3rverEvent } from "@lambda-lab/shared/testing";
import { makeS3Record } from "@lambda-lab/testing/s3";

export interface NotificationTarget {
  /** The notification's id (the configuration name in the bucket's notification settings). */
  configurationId: string;
  /** Only ObjectCreated:* events whose key starts with this prefix are sent… */
  prefix: string;
  /** …and, when any are given, ends with one of these. */
  suffixes?: readonly string[];
}

/**
 * s3rver's PUT/POST/COPY event, rebuilt as the record S3 delivers to Lambda (API 2.1 shape) by the same
 * builder the tests use (`@lambda-lab/testing/s3`): keys re-encoded as S3 encodes them (s3rver emits raw
 * keys), ETags unquoted, a fresh request id and sequencer per record as S3 sends.
 */
export const toS3Notification = (
  event: S3rverEvent,
  options: { region: string; target: NotificationTarget; now?: Date },
): { Records: unknown[] } | undefined => {
  const records = event.Records.filter(
    (r) =>
      r.eventName.startsWith("ObjectCreated:") &&
      r.s3.object.key.startsWith(options.target.prefix) &&
      (!options.target.suffixes?.length || options.target.suffixes.some((s) => r.s3.object.key.endsWith(s))),
  ).map((r) =>
    makeS3Record({
      key: r.s3.object.key,
      bucket: r.s3.bucket.name,
      etag: r.s3.object.eTag ? r.s3.object.eTag.replace(/"/g, "") : null,
      size: r.s3.object.size ?? 0,
      eventName: r.eventName,
      region: options.region,
      eventTime: options.now ?? new Date(),
      configurationId: options.target.configurationId,
      requestId: randomBytes(8).toString("hex").toUpperCase(),
      sequencer: `${Date.now().toString(16).toUpperCase()}${randomBytes(4).toString("hex").toUpperCase()}`,
    }),
  );
  return records.length > 0 ? { Records: records } : undefined;
};
