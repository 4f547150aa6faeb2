import { IN_ENGLISH } from "@lambda-lab/shared";
import * as z from "zod/mini";

/**
 * S3 URL-encodes object keys in event records and writes spaces as "+", so "+" must become a space before
 * the %XX escapes are decoded (a literal "+" arrives as %2B). Core code only ever sees real keys.
 */
export const decodeS3Key = (raw: string): string => decodeURIComponent(raw.replace(/\+/g, " "));

const S3Key = z.pipe(
  z.string(),
  z.transform((raw: string, ctx) => {
    try {
      return decodeS3Key(raw);
    } catch {
      ctx.issues.push({
        code: "custom",
        message: `not a URL-encoded key: ${JSON.stringify(raw)}`,
        input: raw,
      });
      return z.NEVER;
    }
  }),
);

/** One record as S3 sends it; fields the transform does not use are allowed and ignored. */
const S3Record = z.looseObject({
  eventSource: z.literal("aws:s3"),
  eventName: z.string().check(z.minLength(1)),
  s3: z.looseObject({
    bucket: z.looseObject({ name: z.string().check(z.minLength(1)) }),
    object: z.looseObject({
      key: S3Key,
      size: z.optional(z.int().check(z.nonnegative())),
      eTag: z.optional(z.string()),
    }),
  }),
});

/** Sent once when a notification is configured: not an upload, nothing to do. */
const S3TestEvent = z.looseObject({ Event: z.literal("s3:TestEvent") });

const S3RecordsEvent = z.looseObject({ Records: z.array(S3Record).check(z.minLength(1)) });

export interface S3ObjectRecord {
  eventName: string;
  bucket: string;
  /** Decoded: `uploads/a b+c.jpg`, never `uploads/a+b%2Bc.jpg`. */
  key: string;
  etag?: string;
  size?: number;
}

export type ParsedS3Event = { kind: "test" } | { kind: "records"; records: S3ObjectRecord[] };

/** An event this function cannot read. Thrown (not quarantined): it is a wiring problem, not an image. */
export class InvalidEventError extends Error {
  override name = "InvalidEventError";
}

const invalid = (message: string) => new InvalidEventError(`not an S3 event notification: ${message}`);

export const parseS3Event = (event: unknown): ParsedS3Event => {
  // Pick the shape first, so zod's message points into it instead of saying "no union member matched".
  if (typeof event === "object" && event !== null && "Event" in event && !("Records" in event)) {
    if (S3TestEvent.safeParse(event, IN_ENGLISH).success) return { kind: "test" };
    throw invalid(`unknown Event ${JSON.stringify((event as { Event: unknown }).Event)}`);
  }
  const result = S3RecordsEvent.safeParse(event, IN_ENGLISH);
  if (!result.success) throw invalid(`\n${z.prettifyError(result.error)}`);
  return {
    kind: "records",
    records: result.data.Records.map((record) => ({
      eventName: record.eventName,
      bucket: record.s3.bucket.name,
      key: record.s3.object.key,
      ...(record.s3.object.eTag !== undefined ? { etag: record.s3.object.eTag } : {}),
      ...(record.s3.object.size !== undefined ? { size: record.s3.object.size } : {}),
    })),
  };
};
