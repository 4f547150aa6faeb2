/**
 * The daily-stats function's environment, built from its settings: the one writer of the variables env.ts
 * reads. The Pulumi program and the local lab both call it (values are `pulumi.Input<string>`s there,
 * strings here). Import-light: the lab loads it without the function.
 */
import { type DatabaseSettings, toDatabaseEnvironment } from "@lambda-lab/db/environment";

export interface DailyStatsSettings<V = string> {
  bucketName: V;
  /** The local lab's S3 server; unset in AWS. */
  s3Endpoint?: V;
  database: DatabaseSettings<V>;
  /** The zone whose calendar days are counted (the stack's `timeZone`). */
  timeZone: string;
}

export const toEnvironment = <V = string>(settings: DailyStatsSettings<V>): Record<string, V | string> => ({
  BUCKET_NAME: settings.bucketName,
  ...(settings.s3Endpoint !== undefined ? { S3_ENDPOINT: settings.s3Endpoint } : {}),
  ...toDatabaseEnvironment(settings.database),
  TIME_ZONE: settings.timeZone,
});
