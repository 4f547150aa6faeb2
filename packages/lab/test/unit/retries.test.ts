import { EventEmitter } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recogniseEvent } from "@lambda-lab/alerts/events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFaultSwitch, RETRY_DEMO_ID, retryDemoFunction } from "../../src/retries/fault-switch.js";
import { createRetryClock, MAX_SPEED, type RetryClock } from "../../src/retries/retry-clock.js";
import type { RetryTimeline } from "../../src/retries/timeline.js";
import { wireRetries } from "../../src/retries/wire.js";
import { type LambdaRuntime, startLambdaRuntime } from "../../src/runtime/lambda-runtime.js";
import { retriesRoute } from "../../src/server/retries-route.js";
import { createOnFailureQueue, type QueueEntry } from "../../src/services/on-failure-queue.js";

// The async-retries lesson end to end without the whole lab: the real runtime running the lab's failing
// function, the real on-failure queue, the timeline and the route over HTTP, on a fast-forwarded clock
// (×3600: Lambda's 1 and 2 minute waits take 17 and 33 ms), never a sleep of minutes.

const REGION = "eu-west-1";
const arnOf = (id: string) => `arn:aws:lambda:${REGION}:000000000000:function:lambda-lab-test-${id}`;

let dir: string;
let runtime: LambdaRuntime;
let clock: RetryClock;
let server: Server;
let base: string;
let delivered: unknown[];
let slack: EventEmitter;

const start = async (timeoutSeconds = 3) => {
  dir = await mkdtemp(join(tmpdir(), "lab-retries-"));
  const faults = await createFaultSwitch(join(dir, "fault.json"));
  const demo = retryDemoFunction(faults.file);
  clock = createRetryClock({ mode: "fast-forward", speed: MAX_SPEED });
  runtime = await startLambdaRuntime({
    functions: [
      {
        ...demo,
        functionName: `lambda-lab-test-${demo.id}`,
        arn: arnOf(demo.id),
        handler: "index.handler",
        memorySizeMb: demo.memoryMb,
        timeoutSeconds,
        runtime: "nodejs22.x",
        region: REGION,
      },
    ],
    retryClock: clock,
  });
  delivered = [];
  const onFailure = await createOnFailureQueue({
    file: join(dir, "on-failure", "queue.jsonl"),
    region: REGION,
    queueArn: (id) => `arn:aws:sqs:${REGION}:000000000000:lambda-lab-test-${id}-failures`,
    functionArn: arnOf,
    alertsFunctionId: "alerts",
    deliver: (event) => delivered.push(event),
  });
  runtime.events.on("async-failure", (failure) => void onFailure.add(failure));
  slack = new EventEmitter();
  const timelines = wireRetries({
    runtimeEvents: runtime.events,
    clock,
    onFailure,
    slack: { onMessage: (listener) => slack.on("message", listener) },
    maxRetryAttempts: () => demo.maxRetryAttempts,
    emit: () => undefined,
  });
  const route = retriesRoute({ clock, timelines, faults, onFailure, runtime, functionArn: arnOf });
  server = createServer((req, res) => {
    void route(req, res, new URL(req.url ?? "/", "http://lab")).then((took) => {
      if (!took) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeEach(() => {
  delivered = [];
});
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  clock?.stop();
  await runtime?.stop();
  await rm(dir, { recursive: true, force: true });
});

const post = async (path: string, body: unknown = {}) => {
  const response = await fetch(`${base}${path}`, { method: "POST", body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const snapshot = async () =>
  (await (await fetch(`${base}/api/retries`)).json()) as {
    clock: { mode: string; speed: number; label: string };
    demo: { fault: string };
    timelines: RetryTimeline[];
    onFailure: QueueEntry[];
  };
const timelineOf = async (requestId: string) =>
  (await snapshot()).timelines.find((t) => t.requestId === requestId);
const settled = (requestId: string, outcome: RetryTimeline["outcome"]) =>
  expect.poll(async () => (await timelineOf(requestId))?.outcome, { timeout: 30_000 }).toBe(outcome);

describe("async retries of the lab's failing function", () => {
  it("shows an error's three attempts with Lambda's waits, then the destination record alerts parses", async () => {
    // Prepare
    await start();
    // Act
    const invoked = await post("/api/retries/invoke", { fault: "error" });
    const requestId = String(invoked.body.requestId);
    await settled(requestId, "on-failure");
    // Assess: attempt 1 ran at once, 2 after Lambda's 1 min, 3 after its 2 min, each fast-forwarded.
    expect(invoked.status).toBe(202);
    const timeline = (await timelineOf(requestId))!;
    expect(timeline).toMatchObject({ functionId: RETRY_DEMO_ID, maxRetryAttempts: 2, source: "lesson" });
    expect(timeline.attempts.map((a) => [a.attempt, a.status, a.errorType, a.wait?.lambdaDelayMs])).toEqual([
      [1, "error", "Error", undefined],
      [2, "error", "Error", 60_000],
      [3, "error", "Error", 120_000],
    ]);
    for (const a of timeline.attempts.slice(1))
      expect(a.wait).toMatchObject({ mode: "fast-forward", speed: MAX_SPEED, skipped: false });
    const [first, second, third] = timeline.attempts;
    expect(second!.startedAt!).toBeGreaterThanOrEqual(first!.endedAt!);
    expect(third!.startedAt!).toBeGreaterThanOrEqual(second!.endedAt!);
    expect(timeline.destination).toMatchObject({ condition: "RetriesExhausted", approximateInvokeCount: 3 });
    // What the queue delivers to alerts is what alerts' own parser reads as a failed invocation.
    const [input] = recogniseEvent(delivered[0]);
    expect(input).toMatchObject({
      kind: "invocation-failure",
      record: {
        requestContext: { requestId, functionArn: `${arnOf(RETRY_DEMO_ID)}:$LATEST` },
        requestPayload: invoked.body.payload,
        responsePayload: { errorType: "Error", errorMessage: expect.stringContaining("failed on purpose") },
      },
    });
  });

  it("shows a timeout as Lambda's Task timed out on every attempt", async () => {
    // Prepare: a 1 s timeout, so three attempts take about three seconds.
    await start(1);
    // Act
    const invoked = await post("/api/retries/invoke", { fault: "timeout" });
    const requestId = String(invoked.body.requestId);
    await settled(requestId, "on-failure");
    // Assess
    const timeline = (await timelineOf(requestId))!;
    expect(timeline.attempts.map((a) => a.status)).toEqual(["timeout", "timeout", "timeout"]);
    expect(timeline.attempts[0]!.errorMessage).toMatch(/Task timed out after 1\.00 seconds$/);
    expect(timeline.destination?.record.responsePayload).toMatchObject({
      errorMessage: expect.stringMatching(/Task timed out after 1\.00 seconds$/),
    });
  });

  it("redrives the original event after the fix as a fresh async invocation that succeeds", async () => {
    // Prepare: a failure in the queue, then the fix.
    await start();
    const failed = String((await post("/api/retries/invoke", { fault: "error" })).body.requestId);
    await settled(failed, "on-failure");
    expect((await post("/api/retries/fault", { fault: "none" })).body).toEqual({
      functionId: RETRY_DEMO_ID,
      fault: "none",
    });
    // Act
    const redrive = await post(`/api/on-failure/${failed}/redrive`);
    const redrivenAs = String(redrive.body.redrivenAs);
    await settled(redrivenAs, "succeeded");
    // Assess: a new request id, the same event, one attempt; the queue entry says it was redriven and how.
    expect(redrive.status).toBe(202);
    expect(redrivenAs).not.toBe(failed);
    const fresh = (await timelineOf(redrivenAs))!;
    expect(fresh).toMatchObject({ redriveOf: failed, source: "redrive" });
    expect(fresh.attempts.map((a) => a.status)).toEqual(["success"]);
    expect((await timelineOf(failed))?.redrivenAs).toEqual([redrivenAs]);
    const entry = (await snapshot()).onFailure.find((e) => e.record.requestContext.requestId === failed)!;
    expect(entry.redrives).toMatchObject([{ redrivenAs, functionId: RETRY_DEMO_ID, outcome: "succeeded" }]);
    const redrives = await readFile(join(dir, "on-failure", "redrives.jsonl"), "utf8");
    expect(redrives).toContain('"outcome":"succeeded"');
  });

  it("lands a redrive without the fix in the queue again, as a new record of the same event", async () => {
    await start();
    const invoked = await post("/api/retries/invoke", { fault: "error" });
    const failed = String(invoked.body.requestId);
    await settled(failed, "on-failure");
    const redrivenAs = String((await post(`/api/on-failure/${failed}/redrive`)).body.redrivenAs);
    await settled(redrivenAs, "on-failure");
    const { onFailure } = await snapshot();
    expect(onFailure.find((e) => e.record.requestContext.requestId === failed)?.redrives).toMatchObject([
      { redrivenAs, outcome: "failed" },
    ]);
    expect(onFailure.find((e) => e.record.requestContext.requestId === redrivenAs)?.record).toMatchObject({
      requestPayload: invoked.body.payload,
    });
  });

  it("alerts on the destination record once Slack names its request id", async () => {
    await start();
    const requestId = String((await post("/api/retries/invoke", { fault: "error" })).body.requestId);
    await settled(requestId, "on-failure");
    slack.emit("message", {
      id: 100,
      receivedAt: new Date().toISOString(),
      payload: { text: "unrelated" },
    });
    slack.emit("message", { id: 101, receivedAt: new Date().toISOString(), payload: { text: requestId } });
    expect((await timelineOf(requestId))?.alert).toMatchObject({ messageId: 101 });
  });

  it("switches the clock and skips a wait from the API, and refuses bad input naming it", async () => {
    await start();
    expect((await post("/api/retries/clock", { mode: "real" })).body).toMatchObject({
      mode: "real",
      speed: 1,
    });
    const requestId = String((await post("/api/retries/invoke", { fault: "error" })).body.requestId);
    // Attempt 1 fails, then attempt 2 waits Lambda's real minute, until skipped.
    await expect
      .poll(async () => (await snapshot()).clock, { timeout: 15_000 })
      .toMatchObject({
        pending: [{ requestId, attempt: 2, lambdaDelayMs: 60_000, wallDelayMs: 60_000 }],
      });
    expect((await post("/api/retries/skip", { requestId })).body).toMatchObject({ skipped: 1 });
    await expect
      .poll(async () => (await timelineOf(requestId))?.attempts[1]?.wait, { timeout: 15_000 })
      .toMatchObject({ skipped: true, mode: "real", lambdaDelayMs: 60_000 });
    expect(await post("/api/retries/clock", { mode: "fast-forward", speed: "fast" })).toEqual({
      status: 400,
      body: { error: 'fast-forward speed must be a whole number from 2 to 3600 (got "fast")' },
    });
    expect((await post("/api/retries/fault", { fault: "maybe" })).status).toBe(400);
    expect((await post("/api/retries/invoke", { fault: "none" })).status).toBe(400);
    expect(await post("/api/on-failure/no-such-request/redrive")).toEqual({
      status: 404,
      body: { error: "the on-failure queue holds no record of request no-such-request" },
    });
  });
});
