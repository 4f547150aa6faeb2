import { randomBytes } from "node:crypto";
import type { S3rverEvent } from "@lambda-lab/shared/testing";

/**
 * S3 writes object keys in event notifications URL-encoded, form style: a space becomes "+", every byte
 * outside `A-Z a-z 0-9 - _ . *` becomes %XX, and "/" stays as it is. s3rver emits raw keys, so the lab
 * re-encodes them: the function must decode keys exactly as it would in AWS.
 */
export const encodeEventKey = (key: string): string =>
  key
    .split("/")
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, "+"),
    )
    .join("/");

export interface NotificationTarget {
  /** The notification's id (the configuration name in the bucket's notification settings). */
  configurationId: string;
  /** Only ObjectCreated:* events whose key starts with this prefix are sent. */
  prefix: string;
}

/** s3rver's PUT/POST/COPY event, rebuilt as the record S3 delivers to Lambda (API 2.1 shape). */
export const toS3Notification = (
  event: S3rverEvent,
  options: { region: string; target: NotificationTarget; now?: Date },
): { Records: unknown[] } | undefined => {
  const records = event.Records.filter(
    (r) => r.eventName.startsWith("ObjectCreated:") && r.s3.object.key.startsWith(options.target.prefix),
  ).map((r) => ({
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: options.region,
    eventTime: (options.now ?? new Date()).toISOString(),
    eventName: r.eventName,
    userIdentity: { principalId: "AWS:AIDALABLOCALUSER" },
    requestParameters: { sourceIPAddress: "127.0.0.1" },
    responseElements: {
      "x-amz-request-id": randomBytes(8).toString("hex").toUpperCase(),
      "x-amz-id-2": randomBytes(32).toString("base64"),
    },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: options.target.configurationId,
      bucket: {
        name: r.s3.bucket.name,
        ownerIdentity: { principalId: "A3LABLOCALOWNER" },
        arn: `arn:aws:s3:::${r.s3.bucket.name}`,
      },
      object: {
        key: encodeEventKey(r.s3.object.key),
        size: r.s3.object.size ?? 0,
        ...(r.s3.object.eTag ? { eTag: r.s3.object.eTag.replace(/"/g, "") } : {}),
        sequencer: `${Date.now().toString(16).toUpperCase()}${randomBytes(4).toString("hex").toUpperCase()}`,
      },
    },
  }));
  return records.length > 0 ? { Records: records } : undefined;
};
