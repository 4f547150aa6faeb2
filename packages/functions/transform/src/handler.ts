import type { ObjectStore } from "@lambda-lab/shared";
import type { Context } from "aws-lambda";
import { describeError, isTransientError, TransientError } from "./errors.js";
import { parseS3Event } from "./s3-event.js";
import { type Log, type TransformConfig, type TransformResult, transformImage } from "./transform-image.js";

export interface HandlerLog extends Log {
  error(message: string, ...extra: Record<string, unknown>[]): void;
  /** Powertools adds the request id and cold-start flag to every line. */
  addContext?(context: Context): void;
}

export interface HandlerDeps {
  store: ObjectStore;
  /** The bucket `store` reads and writes: records for any other bucket are skipped, not misread. */
  bucket: string;
  log: HandlerLog;
  now?: () => Date;
}

export type RecordResult =
  | TransformResult
  | { status: "skipped"; key: string; reason: "not-object-created" | "other-bucket" };

export interface TransformResponse {
  results: RecordResult[];
}

/**
 * The Lambda handler: parses the S3 notification (a malformed one throws InvalidEventError), transforms
 * each record in turn (images are memory-heavy, so one at a time) and returns one result per record.
 * Never throws because of an image. If S3 fails, the remaining records are still attempted and the
 * error is thrown afterwards, so Lambda retries the event; records already done are skipped on retry.
 */
export const makeHandler =
  (deps: HandlerDeps, config: TransformConfig) =>
  async (event: unknown, context?: Context): Promise<TransformResponse> => {
    if (context) deps.log.addContext?.(context);
    const parsed = parseS3Event(event);
    if (parsed.kind === "test") {
      deps.log.info("ignored s3:TestEvent");
      return { results: [] };
    }
    const results: RecordResult[] = [];
    const failures: unknown[] = [];
    for (const record of parsed.records) {
      const { key } = record;
      if (!record.eventName.startsWith("ObjectCreated:")) {
        results.push({ status: "skipped", key, reason: "not-object-created" });
        continue;
      }
      if (record.bucket !== deps.bucket) {
        deps.log.warn("record for another bucket", { key, bucket: record.bucket, expected: deps.bucket });
        results.push({ status: "skipped", key, reason: "other-bucket" });
        continue;
      }
      try {
        results.push(
          await transformImage(
            { key, etag: record.etag },
            { store: deps.store, log: deps.log, ...(deps.now ? { now: deps.now } : {}) },
            config,
          ),
        );
      } catch (error) {
        deps.log.error("record failed", {
          key,
          transient: isTransientError(error),
          error: describeError(error),
        });
        failures.push(error);
      }
    }
    if (failures.length > 0) {
      // A non-transient failure (AccessDenied, a bug) matters more than a throttled request: surface it.
      throw failures.find((f) => !(f instanceof TransientError)) ?? failures[0];
    }
    deps.log.info("event done", { results });
    return { results };
  };
