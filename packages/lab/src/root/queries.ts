import type pg from "pg";
import type { LabStack } from "../config.js";
import type { createCostMeter } from "../cost/invocation-costs.js";
import type { LabIam } from "../iam/lab-iam.js";
import type { LabS3 } from "../services/s3.js";
import { listUploads } from "../services/uploads.js";
import type { FrontDoors } from "./front-doors.js";
import type { Recorder } from "./recorder.js";
import type { TriggerWiring } from "./trigger-wiring.js";
import type { Lab, LabUrls } from "./types.js";

/** Every URL the lab serves, as `pnpm dev` prints them and the page's stream says hello with. */
export const labUrls = (
  doors: FrontDoors,
  s3: Pick<LabS3, "endpoint">,
  bucket: string,
  postgresUrl: string,
): LabUrls => ({
  page: `${doors.url.lab}/`,
  api: `${doors.url.lab}/api`,
  lambdaApi: doors.url.lab,
  uploadApi: doors.url.uploadApi,
  webApp: doors.url.webApp,
  slackWebhook: doors.slackWebhook,
  s3: `${s3.endpoint}/${bucket}`,
  postgres: postgresUrl,
});

export type LabReads = Pick<
  Lab,
  "invocations" | "concurrencyHistory" | "batchRuns" | "onFailureRecords" | "uploads" | "cost" | "iam"
>;

/** What the page and the API read about the past and the present, each from the module that keeps it. */
export const labReads = (deps: {
  recorder: Recorder;
  triggers: Pick<TriggerWiring, "onFailure">;
  s3: Pick<LabS3, "client" | "endpoint">;
  pool: pg.Pool;
  stack: LabStack;
  costMeter: ReturnType<typeof createCostMeter>;
  iam: Pick<LabIam, "snapshot">;
}): LabReads => ({
  invocations: deps.recorder.invocations,
  concurrencyHistory: deps.recorder.concurrencyHistory,
  batchRuns: deps.recorder.batchRuns,
  onFailureRecords: () => deps.triggers.onFailure.records(),
  uploads: () =>
    listUploads({
      s3: deps.s3.client,
      pool: deps.pool,
      bucket: deps.stack.bucket,
      publicEndpoint: deps.s3.endpoint,
    }),
  cost: () => deps.costMeter.snapshot(),
  iam: () => deps.iam.snapshot(),
});
