import { DatabaseEnv } from "@lambda-lab/db";
import {
  AwsRuntimeEnv,
  parseEnv,
  positiveInteger,
  S3Endpoint,
  TimeZone,
  wholeNumber,
} from "@lambda-lab/shared";
import * as z from "zod/mini";

/** A run longer than Lambda's 15-minute maximum is impossible, so a margin that large can never let work start. */
const MAX_LAMBDA_RUN_MS = 15 * 60 * 1000;

// DatabaseEnv is refined (URL or host + secret), and zod 4 cannot `extend()` a refined object.
export const OrphanCleanupEnv = z.safeExtend(DatabaseEnv, {
  BUCKET_NAME: z.string().check(z.minLength(1)),
  /** The local lab's S3 URL; unset in the cloud. */
  S3_ENDPOINT: z.optional(S3Endpoint),
  /** Set by Lambda (the lab passes its own); checked at the first S3 or Secrets Manager call. */
  ...AwsRuntimeEnv,
  /** Where the checkpoint, lock and reports live: the EFS mount (`/mnt/lab`) in the cloud, a folder locally. */
  STATE_DIR: z.string().check(z.minLength(1), z.startsWith("/", "must be an absolute path")),
  // The stack always sets these four (orphanCleanup*, timeZone): no defaults here, so the stack's are the only ones,
  // and a deployment that lost one fails at init instead of deleting with a guess.
  /** Uploads younger than this are never touched: the web app may not have written their row yet. */
  GRACE_PERIOD_HOURS: wholeNumber(),
  /** The most originals one run may delete; more smells like a broken database, so the run stops there. */
  MAX_DELETES: positiveInteger(),
  /** When true, every run only reports what it would delete, whatever the event says. */
  DRY_RUN: z.stringbool(),
  /** Stop cleanly (checkpoint, flush, report) once the invocation has less time left than this. */
  TIME_SAFETY_MARGIN_MS: z._default(positiveInteger(MAX_LAMBDA_RUN_MS), 60_000),
  /** Report dates (`reports/cleanup/<date>.json`) are days in this IANA time zone. */
  TIME_ZONE: TimeZone,
  /** Log a progress line every this many listing pages of uploads/. */
  PROGRESS_EVERY_PAGES: z._default(positiveInteger(), 10),
});
export type OrphanCleanupEnv = z.infer<typeof OrphanCleanupEnv>;

/** Validated once per cold start: a bad deployment fails loudly at init, naming the variable. */
export const loadEnv = (source: Record<string, string | undefined> = process.env): OrphanCleanupEnv =>
  parseEnv("orphan-cleanup", OrphanCleanupEnv, source);
