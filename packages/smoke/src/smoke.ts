import { setTimeout as sleep } from "node:timers/promises";
import { imageIdOfKey, manifestKeyOf, quarantineKeyOf, VariantManifest } from "@lambda-lab/shared";
import { makeAlarmMessage, makeAlarmSnsEvent } from "@lambda-lab/testing";
import { issueUploadToken } from "@lambda-lab/upload/token";
import * as z from "zod";
import { judgeAlerts, type ReadLine } from "./alerts-check.js";
import { type Diagnosis, diagnoseFunctionError, type FunctionErrorPayload, SmokeFailure } from "./causes.js";
import type { StackOutputs } from "./outputs.js";
import type { Invocation, SmokePorts } from "./ports.js";
import { createRun, type StepResult } from "./run.js";
import { createUploadApi, type Image, postToS3, type UploadForm } from "./upload-api.js";

/** What the smoke test runs against: a deployed stack, or the local lab standing in for one. */
export interface SmokeTarget {
  /** "stack dev (eu-west-1)", "lab at http://127.0.0.1:5173". */
  label: string;
  outputs: StackOutputs;
  ports: SmokePorts;
  /** Closes the SDK clients' sockets, so the process can exit. */
  close(): void;
}

export interface SmokeOptions {
  image: Image;
  /** Where the outputs come from, for the first row ("pulumi stack output --stack dev", a file). */
  source?: string;
  /** Names the token subject, the image's filename and the test alarm, so runs never collide. */
  runId: string;
  /** How long transform may take to write the manifest (its timeout is 60 s; async retries follow). */
  variantsTimeoutMs?: number;
  statusTimeoutMs?: number;
  /** SNS delivery + the alerts run + CloudWatch Logs ingestion. */
  alertsTimeoutMs?: number;
  /** After an ERROR line, how long our own success line still has to turn up. */
  alertsErrorGraceMs?: number;
  pollMs?: number;
  /** CloudWatch Logs is searched less often than S3 is read (FilterLogEvents has a low rate limit). */
  logPollMs?: number;
  now?: () => number;
  /** Called as each row is decided (the CLI prints progress with it). */
  onStep?: (result: StepResult) => void;
}

/** Every row of the table, in order. */
export const STEPS = {
  outputs: "stack outputs",
  token: "upload token",
  form: "upload form (POST /uploads)",
  post: "S3 presigned POST",
  variants: "variants + manifest",
  status: "upload status ready",
  cleanup: "orphan-cleanup dry run",
  stats: "daily-stats yesterday",
  alerts: "alerts notification",
} as const;

/** A run id that sorts by time and never repeats: `20261125T170003-4f1c`. */
export const newRunId = (now = new Date()): string =>
  `${now
    .toISOString()
    .replace(/[-:]|\.\d+/g, "")
    .slice(0, 15)}-${Math.random().toString(16).slice(2, 6)}`;

/** A function error payload ({ errorType, errorMessage }) or nothing usable. */
const asErrorPayload = (payload: unknown): FunctionErrorPayload => {
  const p = payload as { errorType?: unknown; errorMessage?: unknown } | null;
  return typeof p === "object" && p !== null
    ? {
        ...(typeof p.errorType === "string" ? { errorType: p.errorType } : {}),
        ...(typeof p.errorMessage === "string" ? { errorMessage: p.errorMessage } : {}),
      }
    : { errorMessage: String(payload) };
};

const succeeded = (functionName: string, invocation: Invocation): unknown => {
  if (invocation.functionError)
    throw new SmokeFailure(
      diagnoseFunctionError(functionName, asErrorPayload(invocation.payload)),
      functionName,
    );
  return invocation.payload;
};

/** Only what the smoke test judges of each batch function's answer. */
const CleanupReport = z.looseObject({
  runId: z.string(),
  status: z.enum(["running", "completed", "stopped", "failed"]),
  stopReason: z.string().optional(),
  failure: z.object({ stage: z.string(), message: z.string() }).optional(),
  dryRun: z.boolean(),
  scanned: z.number(),
  orphans: z.number(),
  deleted: z.number(),
});
const DailyStatsResult = z.looseObject({
  day: z.string(),
  timeZone: z.string(),
  uploads: z.number(),
  variants: z.number(),
  reportKey: z.string(),
});

const parseAnswer = <T>(schema: z.ZodType<T>, functionName: string, payload: unknown): T => {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  throw new SmokeFailure(
    {
      problem: `${functionName} answered ${JSON.stringify(payload).slice(0, 200)}`,
      cause: "the deployed function is another version than this repository's (its answer has another shape)",
    },
    functionName,
  );
};

/** The likely cause of an ERROR the alerts function logged. */
const alertsFailure = (functionName: string, error: ReadLine): Diagnosis => {
  if (/Slack delivery failed|webhook/i.test(error.text))
    return {
      problem: `${functionName} logged: ${error.text}`.slice(0, 400),
      cause:
        "alerts could not post to Slack: the webhook URL in the slack-webhook-url SSM parameter is wrong or revoked, or alerts has no route to the internet",
    };
  const [type, ...rest] = error.text.split(": ");
  return diagnoseFunctionError(functionName, { errorType: type ?? "Error", errorMessage: rest.join(": ") });
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The smoke test: every step runs (or is skipped, naming what it needed) and lands in the results, so the
 * table always shows the whole picture. `load` reads the outputs and builds the adapters; its failure is
 * the first row.
 */
export const runSmoke = async (
  load: () => Promise<SmokeTarget>,
  options: SmokeOptions,
): Promise<StepResult[]> => {
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 1_000;
  const run = createRun(options.onStep ? { onStep: options.onStep } : {});
  const target = await run.step(
    STEPS.outputs,
    { service: "outputs", resource: options.source ?? "stack outputs" },
    async () => {
      const t = await load();
      return {
        value: t,
        detail: `${t.label}: bucket ${t.outputs.bucketName}, API ${t.outputs.uploadApiUrl}`,
      };
    },
  );
  if (!target) {
    for (const name of Object.values(STEPS).slice(1)) run.skip(name, "needs the stack outputs");
    return run.results;
  }
  const { outputs, ports } = target;
  const fn = outputs.functionNames;
  const subject = `smoke-${options.runId}`;

  // ---- the upload flow: token → form → S3 POST → variants → status
  let token: string | undefined;
  let tokenOk = true;
  if (!ports.tokenSecret) {
    run.skip(STEPS.token, "no upload token parameter: the stack's API runs with uploadAuthMode none");
  } else {
    const source = ports.tokenSecret;
    token = await run.step(
      STEPS.token,
      { service: "ssm", resource: source.describe, action: "ssm:GetParameter" },
      async () => ({
        value: issueUploadToken(await source.read(), { subject, ttlSeconds: 900 }),
        detail: `minted for subject ${subject} (15 min) with the secret from ${source.describe}`,
      }),
    );
    tokenOk = token !== undefined;
  }
  const api = createUploadApi({
    baseUrl: outputs.uploadApiUrl,
    token,
    functionName: fn.upload,
    fetch: ports.fetch,
  });
  const image = { ...options.image, filename: `smoke-${options.runId}-${options.image.filename}` };

  let form: UploadForm | undefined;
  if (tokenOk)
    form = await run.step(STEPS.form, { service: "upload-api", resource: api.formsUrl }, async () => {
      const f = await api.requestForm(image);
      return { value: f, detail: `201: ${f.key}, form for ${new URL(f.url).host}` };
    });
  else run.skip(STEPS.form, "needs the upload token");

  const posted =
    form &&
    (await run.step(STEPS.post, { service: "s3-post", resource: `${form.url} ${form.key}` }, async () => {
      const status = await postToS3(form!, image, { fetch: ports.fetch, uploadFunction: fn.upload });
      return { value: true, detail: `${status}: ${image.bytes.length} bytes to ${form!.key}` };
    }));
  if (!form) run.skip(STEPS.post, "needs an upload form");

  const imageId = form ? imageIdOfKey(form.key) : undefined;
  let manifest: VariantManifest | undefined;
  if (posted && imageId) {
    const manifestKey = manifestKeyOf(imageId);
    manifest = await run.step(
      STEPS.variants,
      {
        service: "s3",
        resource: `${ports.objects.bucket}/${manifestKey}`,
        action:
          "s3:GetObject (plus s3:ListBucket on the bucket: without it S3 answers 403 for a key not written yet)",
      },
      async () => {
        const started = now();
        const deadline = started + (options.variantsTimeoutMs ?? 120_000);
        let body: Buffer | undefined;
        for (;;) {
          body = await ports.objects.get(manifestKey);
          if (body) break;
          const marker = await ports.objects.get(quarantineKeyOf(imageId));
          if (marker)
            throw new SmokeFailure(
              {
                problem: `transform quarantined the smoke image: ${marker.toString("utf8").slice(0, 200)}`,
                cause: `transform (${fn.transform}) refused a valid JPEG: its sharp binary or limits (MAX_INPUT_BYTES/PIXELS) — see /aws/lambda/${fn.transform}`,
              },
              `${ports.objects.bucket}/${quarantineKeyOf(imageId)}`,
            );
          if (now() > deadline)
            throw new SmokeFailure({
              problem: `no ${manifestKey} after ${seconds(now() - started)}`,
              cause: `transform never finished: the bucket notification uploads/ → ${fn.transform} (or its lambda permission for s3.amazonaws.com) is missing, it fails (/aws/lambda/${fn.transform}, the on-failure queue), or it is throttled (transformReservedConcurrency)`,
            });
          await sleep(pollMs);
        }
        const parsed = VariantManifest.safeParse(JSON.parse(body.toString("utf8")));
        if (!parsed.success)
          throw new SmokeFailure({
            problem: `${manifestKey} is not a variant manifest`,
            cause: "the deployed transform writes another manifest version than this repository's",
          });
        const missing: string[] = [];
        for (const v of parsed.data.variants) if (!(await ports.objects.exists(v.key))) missing.push(v.key);
        if (parsed.data.variants.length === 0 || missing.length > 0)
          throw new SmokeFailure({
            problem:
              missing.length > 0
                ? `the manifest lists ${missing.join(", ")}, which is not in the bucket`
                : "the manifest lists no variants",
            cause: `transform wrote the manifest without its variants: /aws/lambda/${fn.transform}`,
          });
        const list = parsed.data.variants
          .map((v) => `${v.name} ${v.width}×${v.height} ${v.format}`)
          .join(", ");
        return {
          value: parsed.data,
          detail: `${parsed.data.variants.length} variants after ${seconds(now() - started)}: ${list}`,
        };
      },
    );
  } else run.skip(STEPS.variants, "needs the uploaded image");

  if (manifest && form) {
    const id = form.id;
    await run.step(STEPS.status, { service: "upload-api", resource: api.statusUrl(id) }, async () => {
      const deadline = now() + (options.statusTimeoutMs ?? 30_000);
      for (;;) {
        const status = await api.status(id);
        if (status.status === "ready") {
          if (status.variants.length !== manifest.variants.length)
            throw new SmokeFailure({
              problem: `ready with ${status.variants.length} variants, the manifest has ${manifest.variants.length}`,
              cause: `the upload function reads another manifest than transform wrote: /aws/lambda/${fn.upload}`,
            });
          return { value: status, detail: `ready with ${status.variants.length} variants` };
        }
        if (status.status === "quarantined")
          throw new SmokeFailure({
            problem: `quarantined: ${status.quarantine?.reason ?? "?"}`,
            cause: "the upload function reports a quarantine marker transform did not write",
          });
        if (now() > deadline)
          throw new SmokeFailure({
            problem: `still ${status.status} although the manifest exists`,
            cause:
              status.status === "missing"
                ? `${fn.upload} cannot list the original: its role needs s3:ListBucket (prefix uploads/) on ${ports.objects.bucket}`
                : `${fn.upload} cannot read the manifest: its role needs s3:GetObject on variants/*/manifest.json`,
          });
        await sleep(pollMs);
      }
    });
  } else run.skip(STEPS.status, "needs the variants");

  // ---- the batch functions, invoked as their schedules would (they do not depend on the upload)
  await run.step(
    STEPS.cleanup,
    { service: "lambda", resource: fn["orphan-cleanup"], action: "lambda:InvokeFunction" },
    async () => {
      const name = fn["orphan-cleanup"];
      const report = parseAnswer(
        CleanupReport,
        name,
        succeeded(name, await ports.functions.invoke(name, { dryRun: true })),
      );
      if (!report.dryRun || report.deleted > 0)
        throw new SmokeFailure(
          {
            problem: `the run was not a dry run (deleted ${report.deleted})`,
            cause: `${name} ignored { dryRun: true }`,
          },
          name,
        );
      if (report.status === "failed")
        throw new SmokeFailure(
          diagnoseFunctionError(name, {
            errorType: `run failed at ${report.failure?.stage ?? "?"}`,
            errorMessage: report.failure?.message ?? "",
          }),
          name,
        );
      return {
        value: report,
        detail: `run ${report.runId} ${report.status}${report.stopReason ? ` (${report.stopReason})` : ""}: scanned ${report.scanned}, ${report.orphans} orphans, nothing deleted`,
      };
    },
  );

  await run.step(
    STEPS.stats,
    { service: "lambda", resource: fn["daily-stats"], action: "lambda:InvokeFunction" },
    async () => {
      const name = fn["daily-stats"];
      // `{}` is "yesterday in the stack's time zone" (packages/functions/daily-stats/src/event.ts).
      const result = parseAnswer(
        DailyStatsResult,
        name,
        succeeded(name, await ports.functions.invoke(name, {})),
      );
      return {
        value: result,
        detail: `${result.day} (${result.timeZone}): ${result.uploads} uploads, ${result.variants} variants → ${result.reportKey}`,
      };
    },
  );

  // ---- alerts: a test alarm through the real delivery path, then its trace in the function's logs
  const topicArn = outputs.alertsTopicArn;
  await run.step(
    STEPS.alerts,
    { service: "sns", resource: `${ports.alarms.describe} → ${fn.alerts}`, action: "sns:Publish" },
    async () => {
      const [, , , region, accountId] = topicArn.split(":");
      const alarmName = `${fn.alerts.replace(/-alerts$/, "")}-smoke-${options.runId}`;
      const message = makeAlarmMessage({
        name: alarmName,
        description: `Post-deploy smoke test ${options.runId}: not a real alarm, nothing to do.`,
        state: "ALARM",
        previousState: "OK",
        value: 1,
        threshold: 1,
        region: region ?? "us-east-1",
        accountId: accountId ?? "000000000000",
        metric: {
          namespace: "LambdaLab/Smoke",
          name: "SmokeTest",
          dimensions: { Run: options.runId },
          statistic: "Sum",
          period: 60,
        },
        treatMissingData: "notBreaching",
      });
      const subject = makeAlarmSnsEvent(message, { topicArn }).Records[0]?.Sns.Subject ?? alarmName;
      const started = now();
      const { messageId } = await ports.alarms.publish(message, subject);
      const deadline = started + (options.alertsTimeoutMs ?? 120_000);
      let firstError: number | undefined;
      for (;;) {
        // Five minutes back for the unique alarm name (the function's clock may differ from ours); errors
        // only since the publish, less a little skew.
        const verdict = judgeAlerts(
          alarmName,
          await ports.alertsLog.find(started - 300_000, alarmName),
          await ports.alertsLog.errors(started - 5_000),
        );
        if (verdict.outcome === "posted")
          return {
            value: true,
            detail: `${alarmName} posted to Slack${verdict.requestId ? ` by request ${verdict.requestId}` : ""} after ${seconds(now() - started)} (message ${messageId})`,
          };
        if (verdict.outcome === "failed") {
          firstError ??= now();
          if (now() - firstError >= (options.alertsErrorGraceMs ?? 20_000) || now() > deadline)
            throw new SmokeFailure(
              alertsFailure(fn.alerts, verdict.errors.at(-1)!),
              ports.alertsLog.describe,
            );
        } else if (now() > deadline)
          throw new SmokeFailure(
            {
              problem: `no line in ${ports.alertsLog.describe} mentions ${alarmName} after ${seconds(now() - started)}`,
              cause: `SNS did not deliver or ${fn.alerts} did not run: the topic's lambda subscription and the lambda permission for sns.amazonaws.com (source ARN ${topicArn}), or an init failure (INIT errors in /aws/lambda/${fn.alerts})`,
            },
            ports.alertsLog.describe,
          );
        await sleep(options.logPollMs ?? pollMs);
      }
    },
  );

  return run.results;
};
