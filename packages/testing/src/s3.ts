/**
 * S3 event notifications as S3 invokes a Lambda function with them: keys URL-encoded per path segment with
 * spaces as "+", ETags unquoted ("Event message structure",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html), and the one-off
 * `s3:TestEvent` S3 sends when a notification configuration is saved.
 */
import type { S3Event, S3EventRecord } from "aws-lambda";
import { EXAMPLE_REGION } from "./aws.js";

/**
 * How S3 writes a key into an event record, form style: `uploads/a b+c.jpg` → `uploads/a+b%2Bc.jpg`; every
 * byte outside `A-Z a-z 0-9 - _ . *` becomes %XX (also `! ' ( ) ~`, which encodeURIComponent leaves), "/"
 * stays. The local lab builds its notifications with this too.
 */
export const encodeS3EventKey = (key: string): string =>
  key
    .split("/")
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, "+"),
    )
    .join("/");

export interface S3RecordInput {
  /** The real key; the record carries it encoded as S3 does. */
  key: string;
  bucket?: string;
  /** Unquoted; `null` leaves `eTag` out (as for an object whose ETag is not known). */
  etag?: string | null;
  size?: number;
  /** `ObjectCreated:Put`, `ObjectCreated:Post` (a presigned POST form), `ObjectCreated:CompleteMultipartUpload`… */
  eventName?: string;
  region?: string;
  eventTime?: Date | string;
  /** The id of the notification configuration that matched. */
  configurationId?: string;
  versionId?: string;
  /** Unique per event in AWS; fixed examples by default so test events are stable. */
  requestId?: string;
  sequencer?: string;
}

export const makeS3Record = ({
  key,
  bucket = "lab-images",
  etag = "0123456789abcdef0123456789abcdef",
  size = 1024,
  eventName = "ObjectCreated:Put",
  region = EXAMPLE_REGION,
  eventTime = "2026-11-25T10:00:00.000Z",
  configurationId = "transform-uploads",
  versionId,
  requestId = "C3D13FE58DE4C810",
  sequencer = "0055AED6DCD90281E5",
}: S3RecordInput): S3EventRecord =>
  // S3 always sends an eTag; only the lab's rebuild of an s3rver event may lack one, hence the cast.
  ({
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: region,
    eventTime: new Date(eventTime).toISOString(),
    eventName,
    userIdentity: { principalId: "AWS:AIDAEXAMPLE" },
    requestParameters: { sourceIPAddress: "203.0.113.7" },
    responseElements: {
      "x-amz-request-id": requestId,
      "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
    },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId,
      bucket: {
        name: bucket,
        ownerIdentity: { principalId: "A3NL1KOZZKExample" },
        arn: `arn:aws:s3:::${bucket}`,
      },
      object: {
        key: encodeS3EventKey(key),
        size,
        ...(etag !== null ? { eTag: etag } : {}),
        ...(versionId !== undefined ? { versionId } : {}),
        sequencer,
      },
    },
  }) as S3EventRecord;

/** One event with a record per input: S3 may batch several records into one invocation. */
export const makeS3Event = (...records: S3RecordInput[]): S3Event => ({ Records: records.map(makeS3Record) });

/** One ObjectCreated record for `key` in `bucket`, e.g. the payload of a failed transform. */
export const makeS3ObjectCreatedEvent = (bucket: string, key: string, region = EXAMPLE_REGION): S3Event =>
  makeS3Event({ bucket, key, region });

/** What S3 sends once when a notification configuration is saved: no `Records`, nothing to process. */
export const makeS3TestEvent = (bucket = "lab-images", time: Date | string = "2026-11-25T10:00:00.000Z") => ({
  Service: "Amazon S3",
  Event: "s3:TestEvent",
  Time: new Date(time).toISOString(),
  Bucket: bucket,
  RequestId: "5582815E1AEA5ADF",
  HostId: "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE",
});
