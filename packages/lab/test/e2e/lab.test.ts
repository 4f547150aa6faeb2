import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { originalKey } from "@lambda-lab/shared";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "../../src/lab.js";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const ANY_PORT = { lab: 0, uploadApi: 0, webApp: 0, slack: 0, s3: 0, postgres: 0 };

let lab: Lab;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lab-e2e-"));
  lab = await startLab({
    dataDir,
    ports: ANY_PORT,
    schedules: false,
    demoData: false,
    build: "never",
    retryClock: { mode: "fast-forward", speed: 600 },
    alarmPeriodMs: 1_000,
    slowQueryBatchMs: 300,
    functions: { alerts: { environment: { SLACK_MIN_INTERVAL_MS: "0", DEDUP_WINDOW_SECONDS: "0" } } },
    extraFunctions: [
      {
        id: "probe",
        codeDir: here("../fixtures/functions/probe"),
        reservedConcurrency: 3,
        timeoutSeconds: 1,
      },
    ],
  });
});

afterAll(async () => {
  await lab?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const slackText = () => JSON.stringify(lab.slack.messages().map((m) => m.payload));
const objectExists = async (key: string) =>
  lab.s3.client.send(new HeadObjectCommand({ Bucket: lab.stack.bucket, Key: key })).then(
    () => true,
    (error: { $metadata?: { httpStatusCode?: number } }) => {
      if (error.$metadata?.httpStatusCode === 404) return false;
      throw error;
    },
  );
const invokeApi = (name: string, payload: unknown, headers: Record<string, string> = {}) =>
  fetch(`${lab.urls.lambdaApi}/2015-03-31/functions/${name}/invocations`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(payload),
  });

describe("uploads", () => {
  it("takes an image through the presigned POST flow and writes its variants within seconds", async () => {
    // Prepare
    const image = await readFile(here("../fixtures/images/landscape.jpg"));
    const origin = lab.urls.lambdaApi;
    // Act: ask the upload API for a form, as the page does, then post the file straight to S3.
    const formResponse = await fetch(`${lab.urls.uploadApi}/uploads`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ contentType: "image/jpeg", size: image.length, filename: "my landscape.jpg" }),
    });
    expect(formResponse.status).toBe(201);
    expect(formResponse.headers.get("access-control-allow-origin")).toBe(origin);
    const form = (await formResponse.json()) as {
      id: string;
      key: string;
      url: string;
      fields: Record<string, string>;
    };
    const body = new FormData();
    for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
    body.append("file", new Blob([image], { type: "image/jpeg" }), "my landscape.jpg");
    const posted = await fetch(form.url, { method: "POST", body });
    // Assess
    expect(posted.status).toBeLessThan(300);
    await expect
      .poll(
        async () => {
          const status = await fetch(`${lab.urls.uploadApi}/uploads/${form.id}`).then((r) => r.json());
          return (status as { status: string }).status;
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe("ready");
    const upload = (await lab.uploads()).find((u) => u.key === form.key);
    expect(upload?.status).toBe("done");
    expect(upload?.variants.length).toBeGreaterThan(0);
    for (const variant of upload?.variants ?? []) expect(await objectExists(variant.key)).toBe(true);
    const transform = lab.invocations({ functionId: "transform" }).at(-1);
    expect(transform).toMatchObject({ invocationType: "Event", source: "s3", status: "success" });
  });
});

describe("reserved concurrency", () => {
  it("answers exactly the synchronous requests over the reservation with 429", async () => {
    // Prepare: probe has 3 reserved; each request holds its slot for 800 ms.
    const count = 8;
    // Act
    const responses = await Promise.all(
      Array.from({ length: count }, () => invokeApi("probe", { action: "sleep", ms: 800 })),
    );
    // Assess
    const throttled = responses.filter((r) => r.status === 429);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(3);
    expect(throttled).toHaveLength(count - 3);
    expect(throttled[0]?.headers.get("x-amzn-errortype")).toBe("TooManyRequestsException");
    expect(await throttled[0]?.json()).toMatchObject({
      message: "Rate Exceeded.",
      Reason: "ReservedFunctionConcurrentInvocationLimitExceeded",
    });
  });

  it("bursts the upload function through the lab API: the excess over its reservation is throttled", async () => {
    const reserved = lab.stack.config.functions.upload.reservedConcurrency!;
    const response = await fetch(`${lab.urls.api}/burst`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ functionId: "upload", count: reserved + 4 }),
    });
    const burst = (await response.json()) as { ok: number; throttled: number; failed: number };
    expect(burst).toMatchObject({ ok: reserved, throttled: 4, failed: 0 });
  });
});

describe("failures", () => {
  it("stops a function that sleeps past its timeout and reports it", async () => {
    const response = await invokeApi("probe", { action: "sleep", ms: 3_000 }, { "x-amz-log-type": "Tail" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-amz-function-error")).toBe("Unhandled");
    const error = (await response.json()) as { errorMessage: string };
    expect(error.errorMessage).toMatch(/Task timed out after 1\.00 seconds$/);
    const tail = Buffer.from(response.headers.get("x-amz-log-result") ?? "", "base64").toString("utf8");
    expect(tail).toMatch(/REPORT RequestId: \S+\tDuration: 1\d{3}\.\d\d ms\t.*Status: timeout/);
  });

  it("sends an async failure to the on-failure queue after two retries, and an alert to Slack", async () => {
    // Act
    const response = await invokeApi(
      "probe",
      { action: "fail", message: "poison event" },
      { "x-amz-invocation-type": "Event" },
    );
    expect(response.status).toBe(202);
    const requestId = response.headers.get("x-amzn-requestid")!;
    // Assess
    await expect
      .poll(() => lab.onFailureRecords().find((r) => r.requestContext.requestId === requestId), {
        timeout: 15_000,
      })
      .toMatchObject({
        requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 3 },
        requestPayload: { action: "fail", message: "poison event" },
        responsePayload: { errorType: "TypeError", errorMessage: "poison event" },
      });
    expect(
      lab
        .invocations({ functionId: "probe" })
        .filter((r) => r.requestId === requestId)
        .map((r) => r.attempt),
    ).toEqual([1, 2, 3]);
    await expect.poll(slackText, { timeout: 20_000, interval: 250 }).toContain(requestId);
    // The errors also tripped the probe's Errors alarm, which alerts posts too.
    await expect.poll(slackText, { timeout: 20_000, interval: 250 }).toContain("lambda-lab-dev-probe-errors");
  });
});

describe("orphan cleanup", () => {
  it("removes an orphan older than the grace period and keeps a referenced upload", async () => {
    // Prepare: two uploads made three hours ago (grace period: 2 h in dev); one attached to a post.
    const graceHours = lab.stack.config.orphanCleanup.gracePeriodHours;
    const madeAt = Date.now() - (graceHours + 1) * 3_600_000;
    const orphan = originalKey(ulid(madeAt), "image/jpeg");
    const kept = originalKey(ulid(madeAt + 1), "image/jpeg");
    const bytes = await readFile(here("../fixtures/images/landscape.jpg"));
    for (const key of [orphan, kept])
      await lab.s3.client.send(
        new PutObjectCommand({ Bucket: lab.stack.bucket, Key: key, Body: bytes, ContentType: "image/jpeg" }),
      );
    const post = (await fetch(`${lab.urls.webApp}/posts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "cleanup test" }),
    }).then((r) => r.json())) as { id: number };
    const attached = await fetch(`${lab.urls.webApp}/posts/${post.id}/images`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key: kept }),
    });
    expect(attached.status).toBe(201);
    for (const key of [orphan, kept]) await lab.ageUpload(key, graceHours + 1);
    // Act
    const run = await lab.runNow("orphan-cleanup", { dryRun: false });
    // Assess
    expect(run.status).toBe("success");
    expect(await objectExists(orphan)).toBe(false);
    expect(await objectExists(kept)).toBe(true);
  });
});

describe("slow queries", () => {
  it("turns a slow statement in the lab's PostgreSQL into a Slack message", async () => {
    const seconds = (lab.stack.config.database.slowQueryMs + 150) / 1000;
    await lab.pool.query(`select pg_sleep(${seconds}) as lab_slow_query_probe`);
    await expect.poll(slackText, { timeout: 20_000, interval: 250 }).toContain("lab_slow_query_probe");
  });
});
