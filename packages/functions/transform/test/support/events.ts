/**
 * Event factories in S3's real wire format: keys URL-encoded per path segment with spaces as "+", ETags
 * unquoted, as in https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */

/** How S3 writes a key into an event record: `uploads/a b+c.jpg` → `uploads/a+b%2Bc.jpg`. */
export const encodeS3EventKey = (key: string): string =>
  key
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, "+"))
    .join("/");

export interface RecordInput {
  key: string;
  bucket?: string;
  etag?: string;
  size?: number;
  eventName?: string;
}

export const makeS3Record = ({
  key,
  bucket = "lab-images",
  etag = "0123456789abcdef0123456789abcdef",
  size = 1024,
  eventName = "ObjectCreated:Put",
}: RecordInput) => ({
  eventVersion: "2.1",
  eventSource: "aws:s3",
  awsRegion: "us-east-1",
  eventTime: "2026-11-25T10:00:00.000Z",
  eventName,
  userIdentity: { principalId: "AWS:AIDAEXAMPLE" },
  requestParameters: { sourceIPAddress: "203.0.113.7" },
  responseElements: {
    "x-amz-request-id": "C3D13FE58DE4C810",
    "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
  },
  s3: {
    s3SchemaVersion: "1.0",
    configurationId: "transform-uploads",
    bucket: {
      name: bucket,
      ownerIdentity: { principalId: "A3NL1KOZZKExample" },
      arn: `arn:aws:s3:::${bucket}`,
    },
    object: { key: encodeS3EventKey(key), size, eTag: etag, sequencer: "0055AED6DCD90281E5" },
  },
});

export const makeS3Event = (...records: RecordInput[]) => ({ Records: records.map(makeS3Record) });

/** What S3 sends once when the notification configuration is saved. */
export const makeS3TestEvent = (bucket = "lab-images") => ({
  Service: "Amazon S3",
  Event: "s3:TestEvent",
  Time: "2026-11-25T10:00:00.000Z",
  Bucket: bucket,
  RequestId: "5582815E1AEA5ADF",
  HostId: "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE",
});
