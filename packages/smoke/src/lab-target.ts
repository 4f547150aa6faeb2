import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import * as z from "zod";
import { labAlarmPublisher, labAlertsLog, labSecretFile } from "./adapters/lab.js";
import { createLambdaInvoker } from "./adapters/lambda-invoker.js";
import { createS3Reader } from "./adapters/s3-reader.js";
import { sdkHandler } from "./aws-target.js";
import { OutputsError, parseOutputs, type StackOutputs } from "./outputs.js";
import type { SmokeTarget } from "./smoke.js";

/** `<data dir>/lab.json`, written by a running lab so `pnpm lab invoke` (and this) can find it. */
const RunningLab = z.object({ pid: z.number(), urls: z.looseObject({ api: z.url() }) });

/** The part of the lab's `GET /api/state` that stands in for the stack outputs (packages/lab/README.md). */
const LabState = z.looseObject({
  stack: z.string(),
  region: z.string(),
  bucket: z.string(),
  uploadAuthMode: z.enum(["none", "token"]),
  urls: z.looseObject({ lambdaApi: z.url(), uploadApi: z.url(), s3: z.url(), api: z.url() }),
  functions: z.array(z.looseObject({ id: z.string(), functionName: z.string() })),
});

/** What the lab writes into ARNs (packages/lab/src/config.ts, LAB_ACCOUNT_ID). */
const LAB_ACCOUNT_ID = "000000000000";
/** s3rver's credentials; the lab's own functions sign with them too. */
const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
/** The lab's Invoke API checks no signature, but the SDK signs every request. */
const LAB_CREDENTIALS = { accessKeyId: "lab", secretAccessKey: "lab-does-not-check-signatures" };

export interface LabTargetOptions {
  /** The lab's data folder (default `<repo>/.lab`): its `lab.json` and `secrets.json`. */
  dataDir: string;
  fetch?: typeof fetch;
  /** Tests change an output to prove a bad one is reported (a wrong API URL, bucket or function name). */
  edit?: (outputs: StackOutputs) => StackOutputs;
}

/**
 * The running local lab as a smoke-test target: its state stands in for the stack outputs, its Invoke API and
 * s3rver for Lambda and S3, its secrets file for SSM, an async invoke for SNS and its invocation records for
 * CloudWatch Logs.
 */
export const labTarget = async (options: LabTargetOptions): Promise<SmokeTarget> => {
  const fetchImpl = options.fetch ?? fetch;
  const runningFile = join(options.dataDir, "lab.json");
  let running: z.infer<typeof RunningLab>;
  try {
    running = RunningLab.parse(JSON.parse(await readFile(runningFile, "utf8")));
  } catch {
    throw new OutputsError(
      `no running lab with data in ${options.dataDir} (no ${runningFile})`,
      "start it with pnpm dev (or pass its --data-dir)",
    );
  }
  const response = await fetchImpl(`${running.urls.api}/state`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${running.urls.api}/state answered ${response.status}`);
  const state = LabState.parse(await response.json());
  const nameOf = (id: string) => state.functions.find((f) => f.id === id)?.functionName;
  const alerts = nameOf("alerts");
  const raw = {
    bucketName: state.bucket,
    uploadApiUrl: state.urls.uploadApi,
    functionNames: Object.fromEntries(state.functions.map((f) => [f.id, f.functionName])),
    alertsTopicArn: `arn:aws:sns:${state.region}:${LAB_ACCOUNT_ID}:${(alerts ?? "lambda-lab").replace(/-alerts$/, "")}-alarms`,
  };
  const parsed = parseOutputs(raw, `lab at ${running.urls.api}`);
  const outputs = options.edit ? options.edit(parsed) : parsed;
  const s3Endpoint = state.urls.s3.replace(new RegExp(`/${state.bucket}/?$`), "");
  const lambda = new LambdaClient({
    region: state.region,
    endpoint: state.urls.lambdaApi,
    credentials: LAB_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: sdkHandler(15 * 60_000),
  });
  const s3 = new S3Client({
    region: state.region,
    endpoint: s3Endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    // s3rver predates the SDK's default CRC32 checksums (as in @lambda-lab/shared/testing's createLocalS3Client).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: sdkHandler(30_000),
  });
  const invoker = createLambdaInvoker(lambda);
  return {
    label: `lab stack ${state.stack} at ${running.urls.api}`,
    outputs,
    ports: {
      tokenSecret:
        state.uploadAuthMode === "token" ? labSecretFile(join(options.dataDir, "secrets.json")) : undefined,
      objects: createS3Reader(s3, outputs.bucketName),
      functions: invoker,
      alarms: labAlarmPublisher(invoker, outputs.functionNames.alerts, outputs.alertsTopicArn),
      alertsLog: labAlertsLog(state.urls.api, "alerts", fetchImpl),
      fetch: fetchImpl,
    },
    close: () => {
      lambda.destroy();
      s3.destroy();
    },
  };
};
