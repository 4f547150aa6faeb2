import { DatabaseEnv } from "@lambda-lab/db";
import { AwsRuntimeEnv, CanonicalTimeZone, parseEnv, S3Endpoint } from "@lambda-lab/shared";
import * as z from "zod/mini";

/** The daily-stats environment: the bucket, the database (see DatabaseEnv) and the stack's time zone. */
export const DailyStatsEnv = z.safeExtend(DatabaseEnv, {
  BUCKET_NAME: z.string().check(z.minLength(1)),
  /** The local lab's S3 URL; unset in the cloud. */
  S3_ENDPOINT: z.optional(S3Endpoint),
  /** Set by Lambda (the lab passes its own); checked at the first S3 or Secrets Manager call. */
  ...AwsRuntimeEnv,
  /**
   * The zone whose calendar days are counted; the schedule fires at 00:05 in it. Canonical, so the
   * `daily_stats.time_zone` column never holds two names for one zone. No default: the stack always sets it.
   */
  TIME_ZONE: CanonicalTimeZone,
});
export type DailyStatsEnv = z.infer<typeof DailyStatsEnv>;

/** Validated once per cold start: a bad deployment fails at init, naming the variable. */
export const loadEnv = (source: Record<string, string | undefined> = process.env): DailyStatsEnv =>
  parseEnv("daily-stats", DailyStatsEnv, source);
