import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { type Lab, startLab } from "@lambda-lab/lab";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labTarget } from "../../src/lab-target.js";
import type { StepResult } from "../../src/run.js";
import { newRunId, runSmoke, type SmokeTarget, STEPS } from "../../src/smoke.js";

/**
 * The whole smoke test against the real local lab: the five built functions in worker processes, s3rver,
 * PostgreSQL, the Slack sink. The lab runs the prod stack's config, so the upload API needs tokens and the
 * token step runs for real.
 */
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const ANY_PORT = { lab: 0, uploadApi: 0, webApp: 0, slack: 0, s3: 0, postgres: 0 };
const FAST = {
  pollMs: 200,
  logPollMs: 200,
  variantsTimeoutMs: 60_000,
  alertsTimeoutMs: 30_000,
  alertsErrorGraceMs: 1_000,
};

let lab: Lab;
let dataDir: string;
let image: { bytes: Buffer; contentType: "image/jpeg"; filename: string };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "smoke-lab-"));
  lab = await startLab({
    stack: "prod",
    dataDir,
    ports: ANY_PORT,
    schedules: false,
    demoData: false,
    build: "never",
    retryClock: { mode: "fast-forward", speed: 600 },
    functions: { alerts: { environment: { SLACK_MIN_INTERVAL_MS: "0" } } },
  });
  image = {
    bytes: await readFile(here("../../assets/Landscape_1.jpg")),
    contentType: "image/jpeg",
    filename: "Landscape_1.jpg",
  };
});

afterAll(async () => {
  await lab?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Runs the smoke test against the lab, closing the target's clients afterwards. */
const smoke = async (
  runId: string,
  adjust: (t: SmokeTarget) => SmokeTarget = (t) => t,
  edit?: Parameters<typeof labTarget>[0]["edit"],
) => {
  let target: SmokeTarget | undefined;
  try {
    return await runSmoke(
      async () => {
        target = adjust(await labTarget({ dataDir, ...(edit ? { edit } : {}) }));
        return target;
      },
      { image, runId, ...FAST },
    );
  } finally {
    target?.close();
  }
};
const row = (results: StepResult[], name: string) => results.find((r) => r.name === name)!;

/** A port nothing listens on: bound, then released. */
const closedPort = async () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const runCli = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [here("../../bin/smoke.mjs"), ...args],
      { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

describe("against the lab", () => {
  it("passes every step, and each step's effect is there", async () => {
    // Act
    const runId = newRunId();
    const results = await smoke(runId);
    // Assess: every row passed…
    expect(results.map((r) => [r.name, r.status])).toEqual(
      Object.values(STEPS).map((name) => [name, "pass"]),
    );
    // …the image went through the presigned POST into the bucket…
    const key = /uploads\/\S+\.jpg/.exec(row(results, STEPS.form).detail)![0];
    await expect(
      lab.s3.client.send(new HeadObjectCommand({ Bucket: lab.stack.bucket, Key: key })),
    ).resolves.toBeTruthy();
    const owner = (await lab.uploads()).find((u) => u.key === key)?.owner;
    expect(owner).toBe(`smoke-${runId}`);
    // …the batch functions ran (orphan-cleanup as a dry run)…
    const cleanup = lab.invocations({ functionId: "orphan-cleanup" }).at(-1)!;
    expect(cleanup.status).toBe("success");
    expect(JSON.parse(cleanup.body)).toMatchObject({ dryRun: true, deleted: 0 });
    expect(lab.invocations({ functionId: "daily-stats" }).at(-1)?.status).toBe("success");
    // …and the test alarm reached Slack through the alerts function.
    expect(JSON.stringify(lab.slack.messages().map((m) => m.payload))).toContain(`smoke-${runId}`);
  });

  it("names a wrong API URL, bucket and function, with the likely cause of each", async () => {
    // Prepare
    const port = await closedPort();
    // Act: an API URL nobody answers at and a function that does not exist…
    const first = await smoke(newRunId(), undefined, (o) => ({
      ...o,
      uploadApiUrl: `http://127.0.0.1:${port}/`,
      functionNames: { ...o.functionNames, "daily-stats": "lambda-lab-prod-daily-statz" },
    }));
    // …then a bucket that is not the stack's.
    const second = await smoke(newRunId(), undefined, (o) => ({
      ...o,
      bucketName: "lambda-lab-prod-imagez",
    }));
    // Assess
    expect(row(first, STEPS.form)).toMatchObject({
      status: "fail",
      resource: `http://127.0.0.1:${port}/uploads`,
      cause: expect.stringContaining("wrong URL"),
    });
    for (const later of [STEPS.post, STEPS.variants, STEPS.status])
      expect(row(first, later).status).toBe("skip");
    expect(row(first, STEPS.stats)).toMatchObject({
      status: "fail",
      resource: "lambda-lab-prod-daily-statz",
      cause: expect.stringContaining("functionNames output"),
    });
    expect(row(first, STEPS.cleanup).status).toBe("pass");
    expect(row(second, STEPS.variants)).toMatchObject({
      status: "fail",
      detail: "bucket lambda-lab-prod-imagez does not exist",
      cause: expect.stringContaining("wrong bucketName output"),
    });
  });

  it("reports a token secret that is not the upload function's as a secret mismatch", async () => {
    const results = await smoke(newRunId(), (t) => ({
      ...t,
      ports: { ...t.ports, tokenSecret: { describe: "a stale copy", read: async () => "x".repeat(64) } },
    }));
    expect(row(results, STEPS.token).status).toBe("pass");
    expect(row(results, STEPS.form)).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("401"),
      cause: expect.stringContaining("not the one the upload function verifies with"),
    });
  });
});

describe("the command", () => {
  it("exits 0 against the running lab, prints the table and writes the JSON and Markdown reports", async () => {
    // Prepare
    const json = join(dataDir, "smoke.json");
    const summary = join(dataDir, "summary.md");
    // Act
    const { code, stdout } = await runCli([
      "--lab",
      "--data-dir",
      dataDir,
      "--json",
      json,
      "--summary",
      summary,
    ]);
    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain("PASSED: 9 steps");
    const report = JSON.parse(await readFile(json, "utf8")) as { passed: boolean; steps: StepResult[] };
    expect(report.passed).toBe(true);
    expect(report.steps).toHaveLength(9);
    expect(await readFile(summary, "utf8")).toContain("| alerts notification | ✅ PASS |");
  });

  it("exits 1 for a deployed stack's outputs pointing at nothing, naming the resource and the cause", async () => {
    // Prepare: the outputs file a workflow would write, with a dead API URL; the AWS adapters talk to the
    // lab's Invoke API through the SDK's endpoint variables, SNS to a closed port.
    const state = (await lab.state()) as { functions: { id: string; functionName: string }[] };
    const port = await closedPort();
    const outputsFile = join(dataDir, "outputs.json");
    await writeFile(
      outputsFile,
      JSON.stringify({
        bucketName: lab.stack.bucket,
        uploadApiUrl: `http://127.0.0.1:${port}`,
        functionNames: Object.fromEntries(state.functions.map((f) => [f.id, f.functionName])),
        alertsTopicArn: "arn:aws:sns:eu-west-1:000000000000:lambda-lab-prod-alarms",
        databaseEndpoint: "db.example:5432",
      }),
    );
    // Act
    const { code, stdout } = await runCli(["--stack", "prod", "--outputs-file", outputsFile], {
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "lab",
      AWS_SECRET_ACCESS_KEY: "lab-does-not-check-signatures",
      AWS_ENDPOINT_URL_LAMBDA: lab.urls.lambdaApi,
      AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${port}`,
    });
    // Assess
    expect(code).toBe(1);
    expect(stdout).toMatch(/upload form \(POST \/uploads\) +FAIL/);
    expect(stdout).toContain(`✗ upload form (POST /uploads) — http://127.0.0.1:${port}/uploads`);
    expect(stdout).toContain("cause: nothing listens there: a wrong URL or endpoint in the outputs");
    expect(stdout).toMatch(/orphan-cleanup dry run +PASS/);
    expect(stdout).toMatch(/FAILED: 2 of 9 steps/);
  });
});
