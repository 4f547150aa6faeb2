import { manifestKeyOf, quarantineKeyOf } from "@lambda-lab/shared";
import { describe, expect, it } from "vitest";
import type { StackOutputs } from "../../src/outputs.js";
import type { AlertsLog, Invocation, LogLine, SmokePorts } from "../../src/ports.js";
import type { StepResult } from "../../src/run.js";
import { runSmoke, type SmokeTarget, STEPS } from "../../src/smoke.js";

/**
 * The steps' own logic over in-memory ports: what each outcome of a step turns into. (The whole flow against
 * the real functions is test/integration/lab.test.ts.)
 */
const API = "https://abc.execute-api.eu-west-1.amazonaws.com";
const S3_URL = "https://lambda-lab-dev-images.s3.eu-west-1.amazonaws.com";
const ID = "01KB8ZQ3M2X7V9W4T6R5N1P0HC";
const KEY = `uploads/2026/11/25/${ID}.jpg`;
const IMAGE_ID = `2026/11/25/${ID}`;

const outputs: StackOutputs = {
  bucketName: "lambda-lab-dev-images",
  uploadApiUrl: `${API}/`,
  functionNames: {
    upload: "lambda-lab-dev-upload",
    transform: "lambda-lab-dev-transform",
    "orphan-cleanup": "lambda-lab-dev-orphan-cleanup",
    "daily-stats": "lambda-lab-dev-daily-stats",
    alerts: "lambda-lab-dev-alerts",
  },
  alertsTopicArn: "arn:aws:sns:eu-west-1:123456789012:alarms",
};

const manifest = (variantKeys: string[]) =>
  JSON.stringify({
    version: 1,
    imageId: IMAGE_ID,
    sourceKey: KEY,
    sourceEtag: "e",
    sourceFormat: "jpeg",
    width: 1200,
    height: 900,
    animated: false,
    variants: variantKeys.map((key) => ({
      name: "thumb",
      format: "webp",
      key,
      contentType: "image/webp",
      width: 200,
      height: 150,
      bytes: 10,
    })),
    createdAt: "2026-11-25T17:00:01.000Z",
  });

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const POSTED = (alarm: string) =>
  JSON.stringify({
    level: "INFO",
    message: "posted to Slack",
    function_request_id: "r-ok",
    text: `ALARM: ${alarm} — x`,
  });

interface FakeOptions {
  /** What "transform" writes when the image lands (default: a manifest and its one variant). */
  onPosted?: (objects: Map<string, Buffer>) => void;
  invoke?: (functionName: string, payload: unknown) => Invocation;
  /** The alerts log, per poll (0, 1, 2…). */
  logs?: (poll: number, alarm: string) => { found: string[]; errors: string[] };
  tokenSecret?: SmokePorts["tokenSecret"];
}

const fakeTarget = (o: FakeOptions = {}): SmokeTarget => {
  const objects = new Map<string, Buffer>();
  let alarmName = "";
  let polls = 0;
  const fetchFake = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (url === `${API}/uploads` && init?.method === "POST")
      return json(201, {
        id: ID,
        key: KEY,
        url: S3_URL,
        fields: { key: KEY },
        expiresAt: "2026-11-25T17:05:00Z",
        maxBytes: 3,
      });
    if (url === S3_URL) {
      objects.set(KEY, Buffer.from("jpg"));
      (
        o.onPosted ??
        ((m) => {
          m.set(`variants/${IMAGE_ID}/thumb.webp`, Buffer.from("w"));
          m.set(manifestKeyOf(IMAGE_ID), Buffer.from(manifest([`variants/${IMAGE_ID}/thumb.webp`])));
        })
      )(objects);
      return new Response(null, { status: 204 });
    }
    if (url === `${API}/uploads/${ID}`) {
      const m = objects.get(manifestKeyOf(IMAGE_ID));
      const variants = m ? (JSON.parse(m.toString()) as { variants: unknown[] }).variants : [];
      return json(200, { id: ID, status: m ? "ready" : "pending", variants, quarantine: null });
    }
    return json(404, { message: "Not Found" });
  }) as typeof fetch;
  const alertsLog: AlertsLog = {
    describe: "CloudWatch Logs /aws/lambda/lambda-lab-dev-alerts",
    find: async () =>
      (o.logs ?? (() => ({ found: [POSTED(alarmName)], errors: [] })))(polls, alarmName).found.map(
        (message): LogLine => ({ timestamp: 1, message }),
      ),
    errors: async () =>
      (o.logs ?? (() => ({ found: [], errors: [] })))(polls++, alarmName).errors.map(
        (message): LogLine => ({ timestamp: 1, message }),
      ),
  };
  return {
    label: "stack dev (eu-west-1)",
    outputs,
    close: () => {},
    ports: {
      tokenSecret: o.tokenSecret,
      objects: {
        bucket: outputs.bucketName,
        get: async (key) => objects.get(key),
        exists: async (key) => objects.has(key),
      },
      functions: {
        invoke: async (name, payload) =>
          o.invoke?.(name, payload) ??
          (name.endsWith("orphan-cleanup")
            ? {
                requestId: "r",
                functionError: undefined,
                payload: {
                  runId: "run-1",
                  status: "completed",
                  dryRun: true,
                  scanned: 3,
                  orphans: 1,
                  deleted: 0,
                },
              }
            : {
                requestId: "r",
                functionError: undefined,
                payload: {
                  day: "2026-11-24",
                  timeZone: "Asia/Seoul",
                  uploads: 2,
                  variants: 6,
                  reportKey: "reports/daily/2026-11-24.json",
                },
              }),
        invokeAsync: async () => ({ requestId: "r" }),
      },
      alarms: {
        describe: "SNS arn:aws:sns:eu-west-1:123456789012:alarms",
        publish: async (message) => {
          alarmName = message.AlarmName;
          return { messageId: "m-1" };
        },
      },
      alertsLog,
      fetch: fetchFake,
    },
  };
};

const image = { bytes: Buffer.from("jpg"), contentType: "image/jpeg" as const, filename: "a.jpg" };
const FAST = {
  pollMs: 5,
  logPollMs: 5,
  variantsTimeoutMs: 200,
  statusTimeoutMs: 200,
  alertsTimeoutMs: 300,
  alertsErrorGraceMs: 40,
};
const smoke = (target: SmokeTarget | (() => Promise<SmokeTarget>)) =>
  runSmoke(typeof target === "function" ? target : async () => target, {
    image,
    runId: "20261125T170003-4f1c",
    ...FAST,
  });
const row = (results: StepResult[], name: string) => results.find((r) => r.name === name)!;
const statuses = (results: StepResult[]) => Object.fromEntries(results.map((r) => [r.name, r.status]));

describe("runSmoke over in-memory ports", () => {
  it("passes every step of a healthy stack (the token skipped: no parameter)", async () => {
    const results = await smoke(fakeTarget());
    expect(statuses(results)).toEqual({
      ...Object.fromEntries(Object.values(STEPS).map((s) => [s, "pass"])),
      [STEPS.token]: "skip",
    });
  });

  it("a failed outputs read skips every other row, naming why", async () => {
    const results = await smoke(async () => {
      throw Object.assign(new Error("stack dev: missing output alertsTopicArn"), { name: "OutputsError" });
    });
    expect(results).toHaveLength(Object.values(STEPS).length);
    expect(row(results, STEPS.outputs)).toMatchObject({
      status: "fail",
      detail: "stack dev: missing output alertsTopicArn",
    });
    expect(results.slice(1).every((r) => r.status === "skip" && r.detail === "needs the stack outputs")).toBe(
      true,
    );
  });

  it("a token that cannot be read skips the upload flow but still runs the batch functions and alerts", async () => {
    const results = await smoke(
      fakeTarget({
        tokenSecret: {
          describe: "SSM /lambda-lab/prod/upload-auth-token",
          read: async () => {
            throw Object.assign(new Error("Parameter /lambda-lab/prod/upload-auth-token not found."), {
              name: "ParameterNotFound",
            });
          },
        },
      }),
    );
    expect(row(results, STEPS.token)).toMatchObject({
      status: "fail",
      cause: expect.stringContaining("--token-parameter"),
    });
    for (const s of [STEPS.form, STEPS.post, STEPS.variants, STEPS.status])
      expect(row(results, s).status).toBe("skip");
    for (const s of [STEPS.cleanup, STEPS.stats, STEPS.alerts]) expect(row(results, s).status).toBe("pass");
  });

  it("a quarantined image fails the variants step with transform's cause, and skips the status", async () => {
    const results = await smoke(
      fakeTarget({
        onPosted: (m) => m.set(quarantineKeyOf(IMAGE_ID), Buffer.from('{"reason":"corrupt"}')),
      }),
    );
    expect(row(results, STEPS.variants)).toMatchObject({
      status: "fail",
      resource: `lambda-lab-dev-images/${quarantineKeyOf(IMAGE_ID)}`,
      cause: expect.stringContaining("lambda-lab-dev-transform"),
    });
    expect(row(results, STEPS.status).status).toBe("skip");
  });

  it("no manifest in time points at the bucket notification and transform", async () => {
    const results = await smoke(fakeTarget({ onPosted: () => {} }));
    expect(row(results, STEPS.variants).cause).toContain(
      "bucket notification uploads/ → lambda-lab-dev-transform",
    );
  });

  it("a manifest listing a variant that is not in the bucket fails", async () => {
    const results = await smoke(
      fakeTarget({
        onPosted: (m) =>
          m.set(manifestKeyOf(IMAGE_ID), Buffer.from(manifest([`variants/${IMAGE_ID}/gone.webp`]))),
      }),
    );
    expect(row(results, STEPS.variants).detail).toBe(
      `the manifest lists variants/${IMAGE_ID}/gone.webp, which is not in the bucket`,
    );
  });

  it("an orphan-cleanup run that deleted something was not a dry run: that fails loudly", async () => {
    const results = await smoke(
      fakeTarget({
        invoke: (name) =>
          name.endsWith("orphan-cleanup")
            ? {
                requestId: "r",
                functionError: undefined,
                payload: {
                  runId: "x",
                  status: "completed",
                  dryRun: false,
                  scanned: 3,
                  orphans: 1,
                  deleted: 1,
                },
              }
            : {
                requestId: "r",
                functionError: undefined,
                payload: { day: "d", timeZone: "UTC", uploads: 0, variants: 0, reportKey: "k" },
              },
      }),
    );
    expect(row(results, STEPS.cleanup)).toMatchObject({
      status: "fail",
      cause: "lambda-lab-dev-orphan-cleanup ignored { dryRun: true }",
    });
  });

  it("a failed cleanup run is diagnosed from its failure message", async () => {
    const results = await smoke(
      fakeTarget({
        invoke: (name) =>
          name.endsWith("orphan-cleanup")
            ? {
                requestId: "r",
                functionError: undefined,
                payload: {
                  runId: "x",
                  status: "failed",
                  failure: { stage: "database", message: "Connection terminated due to connection timeout" },
                  dryRun: true,
                  scanned: 0,
                  orphans: 0,
                  deleted: 0,
                },
              }
            : {
                requestId: "r",
                functionError: undefined,
                payload: { day: "d", timeZone: "UTC", uploads: 0, variants: 0, reportKey: "k" },
              },
      }),
    );
    expect(row(results, STEPS.cleanup).cause).toContain("security groups");
  });

  it("a function error is diagnosed from Lambda's error payload", async () => {
    const results = await smoke(
      fakeTarget({
        invoke: (name) =>
          name.endsWith("daily-stats")
            ? {
                requestId: "r",
                functionError: "Unhandled",
                payload: {
                  errorType: "Sandbox.Timedout",
                  errorMessage: "Task timed out after 120.00 seconds",
                },
              }
            : {
                requestId: "r",
                functionError: undefined,
                payload: {
                  runId: "x",
                  status: "completed",
                  dryRun: true,
                  scanned: 0,
                  orphans: 0,
                  deleted: 0,
                },
              },
      }),
    );
    expect(row(results, STEPS.stats)).toMatchObject({
      status: "fail",
      resource: "lambda-lab-dev-daily-stats",
      cause: expect.stringMatching(/^timeout: a VPC function/),
    });
  });

  it("an unrelated ERROR followed by our post within the grace passes", async () => {
    const results = await smoke(
      fakeTarget({
        logs: (poll, alarm) => ({
          found: poll >= 2 ? [POSTED(alarm)] : [],
          errors: [
            JSON.stringify({
              level: "ERROR",
              message: "input not processed: it can never be read, so it is not retried",
            }),
          ],
        }),
      }),
    );
    expect(row(results, STEPS.alerts)).toMatchObject({
      status: "pass",
      detail: expect.stringContaining("by request r-ok"),
    });
  });

  it("an ERROR and no post after the grace fails with the Slack cause", async () => {
    const results = await smoke(
      fakeTarget({
        logs: () => ({
          found: [],
          errors: [
            JSON.stringify({
              level: "ERROR",
              message: "Slack delivery failed; throwing so Lambda retries",
              error: "SlackError: 404 no_service",
            }),
          ],
        }),
      }),
    );
    expect(row(results, STEPS.alerts)).toMatchObject({
      status: "fail",
      resource: "CloudWatch Logs /aws/lambda/lambda-lab-dev-alerts",
      cause: expect.stringContaining("slack-webhook-url SSM parameter"),
    });
  });

  it("silence from alerts points at the SNS subscription and its permission", async () => {
    const results = await smoke(fakeTarget({ logs: () => ({ found: [], errors: [] }) }));
    expect(row(results, STEPS.alerts).cause).toContain("lambda permission for sns.amazonaws.com");
  });
});
