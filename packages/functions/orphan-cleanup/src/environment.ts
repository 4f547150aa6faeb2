/**
 * The orphan-cleanup function's environment, built from its settings: the one writer of the variables
 * env.ts reads. The Pulumi program and the local lab both call it (values are `pulumi.Input<string>`s
 * there, strings here). Import-light: the lab loads it without the function.
 */
import { type DatabaseSettings, toDatabaseEnvironment } from "@lambda-lab/db/environment";

export interface OrphanCleanupSettings<V = string> {
  bucketName: V;
  /** The local lab's S3 server; unset in AWS. */
  s3Endpoint?: V;
  database: DatabaseSettings<V>;
  /** The EFS mount in the cloud, a folder locally. */
  stateDir: string;
  gracePeriodHours: number;
  maxDeletes: number;
  dryRun: boolean;
  timeZone: string;
  /** How long before its timeout a run stops; unset keeps the function's margin (a minute). */
  timeSafetyMarginMs?: number;
}

export const toEnvironment = <V = string>(
  settings: OrphanCleanupSettings<V>,
): Record<string, V | string> => ({
  BUCKET_NAME: settings.bucketName,
  ...(settings.s3Endpoint !== undefined ? { S3_ENDPOINT: settings.s3Endpoint } : {}),
  ...toDatabaseEnvironment(settings.database),
  STATE_DIR: settings.stateDir,
  GRACE_PERIOD_HOURS: String(settings.gracePeriodHours),
  MAX_DELETES: String(settings.maxDeletes),
  DRY_RUN: String(settings.dryRun),
  TIME_ZONE: settings.timeZone,
  ...(settings.timeSafetyMarginMs !== undefined
    ? { TIME_SAFETY_MARGIN_MS: String(settings.timeSafetyMarginMs) }
    : {}),
});
