import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  makeAlarmSnsEvent,
  makeHttpEvent,
  makeInvocationFailureRecord,
  makeS3ObjectCreatedEvent,
  makeSqsEvent,
} from "@lambda-lab/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { traceCommand } from "../../src/cli/trace-command.js";
import { functionEnvironment, loadStack } from "../../src/config.js";
import { findRepoRoot } from "../../src/paths.js";
import type { InvocationRecord } from "../../src/runtime/function-pool.js";
import { traceRoute } from "../../src/server/trace-route.js";
import { decideNotification, notifyFor } from "../../src/services/s3-notifications.js";
import { mentionsOf } from "../../src/trace/mentions.js";
import { PAYLOAD_EXCERPT_CHARS, payloadExcerpt, REDACTED } from "../../src/trace/payload.js";
import { createTracer, type TracedEvent } from "../../src/trace/tracer.js";

const FUNCTIONS = [
  { id: "transform", functionName: "lambda-lab-dev-transform", maxRetryAttempts: 2 },
  { id: "alerts", functionName: "lambda-lab-dev-alerts", maxRetryAttempts: 1 },
  { id: "upload", functionName: "lambda-lab-dev-upload", maxRetryAttempts: 0 },
];
const UPLOADS = { functionId: "transform", configurationId: "transform-uploads/", prefix: "uploads/" };

describe("S3 notification filter", () => {
  it("says which rule decided, per notification: event type, prefix, suffix", () => {
    const images = { ...UPLOADS, suffixes: [".jpg", ".png"], events: ["s3:ObjectCreated:*"] };

    const txt = decideNotification({ eventName: "ObjectCreated:Put", key: "uploads/notes.txt" }, images);
    const elsewhere = decideNotification({ eventName: "ObjectCreated:Put", key: "notes/a.jpg" }, images);
    const removed = decideNotification({ eventName: "ObjectRemoved:Delete", key: "uploads/a.jpg" }, images);
    const jpg = decideNotification({ eventName: "ObjectCreated:Post", key: "uploads/a.jpg" }, images);

    expect(txt).toMatchObject({ matched: false, rule: "suffix" });
    expect(txt.reason).toBe("transform wants uploads/ + .jpg|.png: the key ends with none of .jpg, .png");
    expect(elsewhere).toMatchObject({ matched: false, rule: "prefix" });
    expect(elsewhere.reason).toContain("does not start with uploads/");
    expect(removed).toMatchObject({ matched: false, rule: "event" });
    expect(removed.reason).toBe("transform listens to s3:ObjectCreated:*, not s3:ObjectRemoved:Delete");
    expect(jpg).toMatchObject({ matched: true, rule: "matched" });
  });

  it("sends only the event types a notification names (a Put-only trigger skips a Post)", () => {
    const event = (eventName: string) => [
      { eventName, bucket: "b", key: "uploads/a.jpg", size: 1, eTag: null },
    ];
    const target = { ...UPLOADS, events: ["s3:ObjectCreated:Put"] };

    expect(notifyFor(event("ObjectCreated:Put"), { region: "eu-west-1", target }).notification).toBeDefined();
    expect(
      notifyFor(event("ObjectCreated:Post"), { region: "eu-west-1", target }).notification,
    ).toBeUndefined();
  });

  it("reads the neutral records an S3 port hands over and returns the decisions beside the notification", () => {
    const records = [
      { eventName: "ObjectCreated:Post", key: "uploads/a b.jpg", size: 3, eTag: "abc", bucket: "b" },
      { eventName: "ObjectCreated:Put", key: "variants/a/thumb.webp", size: 3, eTag: null, bucket: "b" },
    ];

    const { notification, decisions } = notifyFor(records, { region: "eu-west-1", target: UPLOADS });

    expect(notification?.Records).toHaveLength(1);
    expect(notification?.Records[0]).toMatchObject({
      s3: { object: { key: "uploads/a+b.jpg", eTag: "abc" } },
    });
    expect(decisions.map((d) => d.matched)).toEqual([true, false]);
  });
});

describe("the payload kept with an invocation record", () => {
  it("redacts credentials in headers and JSON bodies, keeps the rest", () => {
    const event = makeHttpEvent({
      method: "POST",
      path: "/uploads",
      headers: { Authorization: "Bearer eyJhbGciOi.secret-part", "x-upload-token": "t0k3n" },
      body: { contentType: "image/jpeg", token: "inner-secret" },
    });

    const { payload, payloadTruncated } = payloadExcerpt(JSON.stringify(event));

    expect(payloadTruncated).toBe(false);
    expect(payload).not.toMatch(/eyJhbGciOi|secret-part|t0k3n|inner-secret/);
    const kept = JSON.parse(payload);
    expect(kept.headers.authorization).toBe(REDACTED);
    expect(JSON.parse(kept.body)).toEqual({ contentType: "image/jpeg", token: REDACTED });
    expect(kept.requestContext.http.path).toBe("/uploads");
  });

  it("redacts a payload that is not JSON by its name=value and bearer forms", () => {
    const { payload } = payloadExcerpt(
      'password=hunter2&user=ann Authorization: Bearer abc.def "apiKey": "k"',
    );

    expect(payload).not.toMatch(/hunter2|abc\.def|"k"/);
    expect(payload).toContain("user=ann");
  });

  it("cuts a large payload without splitting a character, and says it did", () => {
    const raw = JSON.stringify({ text: `${"a".repeat(PAYLOAD_EXCERPT_CHARS - 10)}😀😀😀😀😀😀😀😀😀😀` });

    const { payload, payloadTruncated } = payloadExcerpt(raw);

    expect(payloadTruncated).toBe(true);
    expect(payload).toMatch(/…\[truncated: \d+ characters in all\]$/);
    // A lone surrogate would not survive a UTF-8 round trip (it becomes U+FFFD).
    expect(Buffer.from(payload, "utf8").toString("utf8")).toBe(payload);
  });

  it("still names the S3 keys of a payload that was cut", () => {
    const event = {
      Records: Array.from(
        { length: 40 },
        (_, i) => makeS3ObjectCreatedEvent("b", `uploads/photo ${i}.jpg`).Records[0],
      ),
    };
    const { payload, payloadTruncated } = payloadExcerpt(JSON.stringify(event));

    const mentions = mentionsOf(payload);

    expect(payloadTruncated).toBe(true);
    expect(mentions.keys.slice(0, 2)).toEqual(["uploads/photo 0.jpg", "uploads/photo 1.jpg"]);
  });

  it("reads the failed request and the event it lost from an on-failure record delivered by SQS", () => {
    const requestId = randomUUID();
    const record = makeInvocationFailureRecord({
      function: "lambda-lab-dev-transform",
      requestId,
      requestPayload: makeS3ObjectCreatedEvent("b", "uploads/x+y.jpg"),
    });

    const mentions = mentionsOf(JSON.stringify(makeSqsEvent([record])));

    expect(mentions.requestIds).toEqual([requestId]);
    expect(mentions.keys).toEqual(["uploads/x+y.jpg"]);
  });
});

/** A lab event stream, as the lab emits it, with a clock the test moves. */
const stream = () => {
  let now = 1_800_000_000_000;
  const events: TracedEvent[] = [];
  return {
    events,
    tick: (ms: number) => {
      now += ms;
    },
    emit: (type: string, data: unknown) => events.push({ type, at: now, data }),
    get now() {
      return now;
    },
  };
};

const record = (
  over: Partial<InvocationRecord> & Pick<InvocationRecord, "requestId" | "functionId">,
): InvocationRecord => ({
  functionName: `lambda-lab-dev-${over.functionId}`,
  status: "success",
  body: '{"status":"written"}',
  cold: false,
  durationMs: 120,
  maxMemoryUsedMb: 90,
  logs: [],
  startedAt: 0,
  endedAt: 0,
  environmentId: "env-1",
  invocationType: "Event",
  source: "s3",
  attempt: 1,
  memorySizeMb: 1536,
  billedDurationMs: 120,
  report: "REPORT",
  ...over,
});

/** What the lab streams for one S3-triggered attempt: start, then the record with its (redacted) payload. */
const attempt = (
  s: ReturnType<typeof stream>,
  r: Partial<InvocationRecord> & Pick<InvocationRecord, "requestId" | "functionId">,
  payload: unknown,
) => {
  const startedAt = s.now;
  s.emit("invocation-start", {
    functionId: r.functionId,
    requestId: r.requestId,
    invocationType: r.invocationType ?? "Event",
    source: r.source ?? "s3",
    attempt: r.attempt ?? 1,
    cold: r.cold ?? false,
    environmentId: r.environmentId ?? "env-1",
  });
  s.tick(r.durationMs ?? 120);
  s.emit(
    "invocation",
    record({ ...r, startedAt, endedAt: s.now, ...payloadExcerpt(JSON.stringify(payload)) }),
  );
};

const s3Notification = (key: string) =>
  notifyFor([{ eventName: "ObjectCreated:Post", key, size: 10, eTag: "e", bucket: "b" }], {
    region: "eu-west-1",
    target: UPLOADS,
  }).notification;

describe("the event-path tracer", () => {
  it("follows an upload through the notification, a cold start and a success", () => {
    const s = stream();
    const tracer = createTracer({ functions: FUNCTIONS });
    const key = "uploads/2026/11/25/01JPHOTO.jpg";
    const requestId = randomUUID();
    s.emit("s3", { eventName: "ObjectCreated:Post", key });
    s.tick(40);
    attempt(s, { requestId, functionId: "transform", cold: true, initDurationMs: 480 }, s3Notification(key));
    for (const e of s.events) tracer.ingest(e);

    const trace = tracer.trace({ key });

    expect(trace.found).toBe(true);
    expect(trace.summary).toBe("transform succeeded on attempt 1");
    expect(trace.steps.map((step) => `${step.kind}:${step.outcome}`)).toEqual([
      "s3:info",
      "filter:ok",
      "queued:ok",
      "start:info",
      "attempt:ok",
    ]);
    expect(trace.steps[1]?.reason).toBe(
      "transform wants uploads/*: s3:ObjectCreated:Post on this key matches",
    );
    expect(trace.steps[3]?.title).toContain("cold start");
    expect(trace.steps[3]?.reason).toContain("init 480 ms");
    expect(trace.requestIds).toEqual([requestId]);
    expect(tracer.trace({ requestId }).steps.map((step) => step.kind)).toEqual(
      trace.steps.map((step) => step.kind),
    );
  });

  it("answers why nothing happened for a function's own output: no trigger matched, the recursion guard", () => {
    const s = stream();
    const tracer = createTracer({ functions: FUNCTIONS });
    s.emit("s3", { eventName: "ObjectCreated:Put", key: "variants/2026/11/25/01JPHOTO/thumb.webp" });
    for (const e of s.events) tracer.ingest(e);

    const trace = tracer.trace({ q: "variants/2026/11/25/01JPHOTO/thumb.webp" });

    expect(trace.found).toBe(true);
    expect(trace.summary).toBe(
      "nothing was invoked: no trigger matched: transform wants uploads/*: the key does not start with uploads/ (it is a function's output: the recursion guard)",
    );
    expect(trace.steps.find((step) => step.kind === "recursion-guard")).toMatchObject({
      title: "an output of transform (variants/*)",
    });
  });

  it("says what a key it never saw would do, and reports it as not found", () => {
    const tracer = createTracer({ functions: FUNCTIONS });

    const notes = tracer.trace({ key: "notes/readme.txt" });
    const upload = tracer.trace({ key: "uploads/never.jpg" });

    expect(notes.found).toBe(false);
    expect(notes.summary).toContain("were it written now, no trigger matched: transform wants uploads/*");
    expect(upload.summary).toContain("it would invoke transform");
  });

  it("explains a wait in the queue when every slot of the function was busy (async events never get a 429)", () => {
    const s = stream();
    const tracer = createTracer({ functions: FUNCTIONS });
    const key = "uploads/busy.jpg";
    s.emit("concurrency", { functionId: "transform", concurrent: 10, limit: 10 });
    s.emit("s3", { eventName: "ObjectCreated:Post", key });
    s.tick(2_500);
    attempt(s, { requestId: randomUUID(), functionId: "transform" }, s3Notification(key));
    for (const e of s.events) tracer.ingest(e);

    const queued = tracer.trace({ key }).steps.find((step) => step.kind === "queued");

    expect(queued?.reason).toBe(
      "waited 2.5 s: all 10 of transform's concurrency was in use, and Lambda holds async events in its queue (no 429 for them)",
    );
  });

  it("follows a failure through its retries, the on-failure destination, alerts and Slack", () => {
    const s = stream();
    const tracer = createTracer({ functions: FUNCTIONS, retryDelaysMs: [2_000, 4_000] });
    const key = "uploads/broken.jpg";
    const requestId = randomUUID();
    const event = s3Notification(key);
    const error = JSON.stringify({
      errorType: "Error",
      errorMessage: "Input buffer contains unsupported image format",
    });
    s.emit("s3", { eventName: "ObjectCreated:Post", key });
    for (const n of [1, 2, 3]) {
      attempt(
        s,
        { requestId, functionId: "transform", attempt: n, status: "error", errorType: "Error", body: error },
        event,
      );
      s.tick(n * 2_000);
    }
    const failure = makeInvocationFailureRecord({
      function: "lambda-lab-dev-transform",
      requestId,
      attempts: 3,
      requestPayload: event,
    });
    s.emit("on-failure", failure);
    const alertsId = randomUUID();
    s.emit("invocation-start", {
      functionId: "alerts",
      requestId: alertsId,
      invocationType: "Event",
      source: "on-failure-queue",
      attempt: 1,
      cold: true,
      environmentId: "env-9",
    });
    s.emit("slack", {
      id: 1,
      receivedAt: new Date(s.now).toISOString(),
      path: "/services/T0LAB/B0LAB/local-sink",
      payload: {
        attachments: [
          {
            blocks: [
              {
                type: "header",
                text: { type: "plain_text", text: ":x: Invocation failed: lambda-lab-dev-transform" },
              },
              {
                type: "context",
                elements: [
                  {
                    type: "mrkdwn",
                    text: `<http://127.0.0.1:5173/#invocation=${requestId}|Logs for this request>`,
                  },
                ],
              },
            ],
          },
        ],
      },
    });
    s.tick(30);
    s.emit(
      "invocation",
      record({
        requestId: alertsId,
        functionId: "alerts",
        source: "on-failure-queue",
        startedAt: s.now - 30,
        endedAt: s.now,
        ...payloadExcerpt(JSON.stringify(makeSqsEvent([failure]))),
      }),
    );
    for (const e of s.events) tracer.ingest(e);

    const trace = tracer.trace({ requestId });

    expect(trace.summary).toBe(
      "transform failed 3 attempt(s) → on-failure destination: RetriesExhausted after 3 attempt(s) → alert sent to Slack",
    );
    const kinds = trace.steps.map((step) => step.kind);
    expect(kinds.filter((k) => k === "retry")).toHaveLength(2);
    expect(trace.steps.find((step) => step.kind === "retry")?.reason).toContain("MaximumRetryAttempts 2");
    expect(trace.steps.find((step) => step.kind === "attempt")?.reason).toBe(
      "Error: Input buffer contains unsupported image format",
    );
    expect(trace.steps.find((step) => step.kind === "alert")).toMatchObject({
      requestId: alertsId,
      outcome: "ok",
    });
    expect(trace.steps.find((step) => step.kind === "slack")?.title).toBe(
      "Slack: :x: Invocation failed: lambda-lab-dev-transform",
    );
    // The key's trace is the same story, and the alerts invocation points back at the failure it carried.
    expect(tracer.trace({ key }).summary).toBe(trace.summary);
    expect(tracer.trace({ requestId: alertsId }).steps[0]).toMatchObject({ kind: "destination", requestId });
  });

  it("says a failed synchronous invoke gets no retry and no destination", () => {
    const s = stream();
    const tracer = createTracer({ functions: FUNCTIONS });
    const requestId = randomUUID();
    attempt(
      s,
      {
        requestId,
        functionId: "upload",
        invocationType: "RequestResponse",
        source: "api",
        status: "timeout",
        body: '{"errorMessage":"Task timed out after 10.00 seconds"}',
      },
      {},
    );
    for (const e of s.events) tracer.ingest(e);

    const trace = tracer.trace({ q: requestId });

    expect(trace.summary).toBe("upload failed 1 attempt(s) → no retry, no destination: a synchronous invoke");
  });

  it("traces an alarm from the failures in its period to the Slack card", () => {
    const s = stream();
    const tracer = createTracer({ functions: FUNCTIONS });
    const failed = randomUUID();
    attempt(
      s,
      {
        requestId: failed,
        functionId: "upload",
        invocationType: "RequestResponse",
        source: "api",
        status: "error",
      },
      {},
    );
    s.tick(60_000);
    const alarm = makeAlarmSnsEvent({
      name: "lambda-lab-dev-upload-errors",
      metric: {
        namespace: "AWS/Lambda",
        name: "Errors",
        dimensions: { FunctionName: "lambda-lab-dev-upload" },
      },
      threshold: 1,
      value: 1,
    });
    s.emit("alarm", alarm);
    attempt(s, { requestId: randomUUID(), functionId: "alerts", source: "cloudwatch-alarm" }, alarm);
    s.emit("slack", {
      id: 2,
      receivedAt: "",
      path: "/",
      payload: { text: "ALARM: lambda-lab-dev-upload-errors — Function errors" },
    });
    for (const e of s.events) tracer.ingest(e);

    const trace = tracer.trace({ q: "lambda-lab-dev-upload-errors" });

    expect(trace.found).toBe(true);
    expect(trace.summary).toBe("lambda-lab-dev-upload-errors is ALARM; alerts posted it to Slack");
    expect(trace.steps.map((step) => step.kind)).toEqual(["attempt", "alarm", "alert", "slack"]);
    expect(trace.steps[0]?.requestId).toBe(failed);
    expect(tracer.trace({ requestId: failed }).steps.some((step) => step.kind === "alarm")).toBe(true);
  });
});

describe("GET /api/trace and `lab trace`", () => {
  let server: Server;
  let api: string;
  const tracer = createTracer({ functions: FUNCTIONS });
  const route = traceRoute({ trace: tracer.trace });

  beforeAll(async () => {
    tracer.ingest({
      type: "s3",
      at: Date.now(),
      data: { eventName: "ObjectCreated:Put", key: "notes/readme.txt" },
    });
    server = createServer((req, res) => {
      void route(req, res, new URL(req.url ?? "/", "http://localhost")).then((answered) => {
        if (!answered) res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers 200 with the trace, 404 with the reason, 400 without a query", async () => {
    const known = await fetch(`${api}/trace?key=notes%2Freadme.txt`);
    const unknown = await fetch(`${api}/trace?requestId=${randomUUID()}`);
    const none = await fetch(`${api}/trace`);

    expect(known.status).toBe(200);
    expect(((await known.json()) as { summary: string }).summary).toContain(
      "nothing was invoked: no trigger matched",
    );
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toContain("the lab saw no invocation");
    expect(none.status).toBe(400);
  });

  /** Runs the real CLI (`node bin/lab.mjs`) against a data folder whose running-lab file points at `api`. */
  const runCli = (args: string[]) => {
    const dataDir = mkdtempSync(join(tmpdir(), "lab-trace-cli-"));
    writeFileSync(join(dataDir, "lab.json"), JSON.stringify({ pid: process.pid, urls: { api } }));
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ["bin/lab.mjs", ...args, "--data-dir", dataDir], {
        cwd: join(findRepoRoot(), "packages", "lab"),
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c) => (stdout += c));
      child.stderr.on("data", (c) => (stderr += c));
      child.on("close", (code) => {
        rmSync(dataDir, { recursive: true, force: true });
        resolve({ code, stdout, stderr });
      });
    });
  };

  it("prints the trace on stdout and exits 0; with --json, pure JSON", async () => {
    const text = await runCli(["trace", "notes/readme.txt"]);
    const json = await runCli(["trace", "notes/readme.txt", "--json"]);

    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^nothing was invoked: no trigger matched/);
    expect(text.stdout).toContain("– notification transform-uploads/: no match");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ found: true, query: { key: "notes/readme.txt" } });
  }, 30_000);

  it("exits non-zero with the reason on stderr and nothing on stdout when nothing is known", async () => {
    const result = await runCli(["trace", randomUUID()]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("nothing known: the lab saw no invocation");
  }, 30_000);

  it("ends quietly when the reader of its output goes away (`pnpm lab … | head`), instead of an EPIPE crash", async () => {
    const child = spawn(process.execPath, ["bin/lab.mjs", "--help"], {
      cwd: join(findRepoRoot(), "packages", "lab"),
    });
    // The reader closes before the CLI writes: its write fails with EPIPE.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));

    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));

    expect(stderr).not.toContain("EPIPE");
    expect(code).toBe(0);
  }, 30_000);

  it("names what is missing without a query, and when the lab does not answer", async () => {
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(`out:${t}`), err: (t: string) => lines.push(`err:${t}`) };

    expect(await traceCommand({ query: undefined, api, json: false }, io)).toBe(2);
    expect(await traceCommand({ query: "x", api: "http://127.0.0.1:1/api", json: false }, io)).toBe(1);
    expect(lines.every((l) => l.startsWith("err:"))).toBe(true);
    expect(lines[1]).toContain("does not answer");
  });
});

describe("Slack links in the lab", () => {
  it("gives alerts the lab page as its console, so cards open the invocation or alarm there", () => {
    const stack = loadStack("dev", findRepoRoot());

    const env = functionEnvironment("alerts", stack, {
      s3Endpoint: "http://127.0.0.1:4569",
      databaseUrl: "postgres://postgres:postgres@127.0.0.1:55432/lab",
      slackWebhookUrl: "http://127.0.0.1:5182/services/T0LAB/B0LAB/local-sink",
      stateDir: "/tmp/lab-efs",
      labOrigins: ["http://127.0.0.1:5173", "http://localhost:5173"],
      uploadTokenSecret: "a".repeat(64),
    });

    expect(env.CONSOLE_BASE_URL).toBe("http://127.0.0.1:5173/");
  });
});
