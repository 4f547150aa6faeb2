import { DatabaseEnv } from "@lambda-lab/db";
import { parseEnv } from "@lambda-lab/shared";
import * as z from "zod";
import { canonicalTimeZone } from "./calendar.js";

export const DEFAULT_TIME_ZONE = "Asia/Seoul";

/**
 * An IANA zone name, normalised to its canonical spelling (`US/Eastern` → `America/New_York`) so the
 * `daily_stats.time_zone` column never holds two names for one zone.
 */
export const TimeZone = z.string().transform((name, ctx) => {
  const canonical = canonicalTimeZone(name);
  if (canonical === undefined) {
    ctx.addIssue({
      code: "custom",
      message: "is not an IANA time zone such as Asia/Seoul or America/New_York",
    });
    return z.NEVER;
  }
  return canonical;
});

/** The daily-stats environment: the bucket, the database (see DatabaseEnv) and the stack's time zone. */
export const DailyStatsEnv = DatabaseEnv.safeExtend({
  BUCKET_NAME: z.string().min(1),
  /** The local lab's S3 URL; unset in the cloud. */
  S3_ENDPOINT: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://127.0.0.1:4569" })
    .optional(),
  /** The zone whose calendar days are counted; the schedule fires at 00:05 in it. */
  TIME_ZONE: TimeZone.default(DEFAULT_TIME_ZONE),
});
export type DailyStatsEnv = z.infer<typeof DailyStatsEnv>;

/** Validated once per cold start: a bad deployment fails at init, naming the variable. */
export const loadEnv = (source: Record<string, string | undefined> = process.env): DailyStatsEnv =>
  parseEnv("daily-stats", DailyStatsEnv, source);
