import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { TooManyRequestsError } from "../../src/runtime/function-pool.js";
import {
  type LabFunction,
  type LambdaRuntime,
  startLambdaRuntime,
} from "../../src/runtime/lambda-runtime.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/functions/${name}`, import.meta.url));

const probe = (overrides: Partial<LabFunction> = {}): LabFunction => ({
  id: "probe",
  functionName: "lab-test-probe",
  arn: "arn:aws:lambda:eu-west-1:000000000000:function:lab-test-probe",
  codeDir: fixture("probe"),
  handler: "index.handler",
  memorySizeMb: 256,
  timeoutSeconds: 2,
  runtime: "nodejs22.x",
  region: "eu-west-1",
  environment: { PROBE_GREETING: "hello" },
  ...overrides,
});

let runtime: LambdaRuntime | undefined;
const start = async (
  fn: Partial<LabFunction> = {},
  options: { idleTimeoutMs?: number; retryDelaysMs?: number[] } = {},
) => {
  runtime = await startLambdaRuntime({ functions: [probe(fn)], ...options });
  return runtime;
};
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

const body = (record: { body: string }) => JSON.parse(record.body) as Record<string, unknown>;

describe("execution environments", () => {
  it("serves the first request cold, with an init duration, and the next one warm from the same process", async () => {
    // Prepare
    const rt = await start();
    // Act
    const first = await rt.invoke("probe", { n: 1 });
    const second = await rt.invoke("probe", { n: 2 });
    // Assess
    expect(first.cold).toBe(true);
    expect(first.initDurationMs).toBeGreaterThan(0);
    expect(first.report).toMatch(/Init Duration: \d+\.\d{2} ms$/);
    expect(second.cold).toBe(false);
    expect(second.initDurationMs).toBeUndefined();
    expect(second.report).not.toContain("Init Duration");
    expect(body(second).pid).toBe(body(first).pid);
    expect(body(second).served).toBe(2);
  });

  it("gives the handler a Lambda context and the function's environment", async () => {
    const rt = await start();
    const record = await rt.invoke("probe", {});
    const env = await rt.invoke("probe", { action: "env", name: "AWS_LAMBDA_FUNCTION_NAME" });
    const greeting = await rt.invoke("probe", { action: "env", name: "PROBE_GREETING" });
    expect(body(record)).toMatchObject({
      requestId: record.requestId,
      functionName: "lab-test-probe",
      memoryLimitInMB: "256",
      invokedFunctionArn: "arn:aws:lambda:eu-west-1:000000000000:function:lab-test-probe",
      logGroupName: "/aws/lambda/lab-test-probe",
    });
    expect(body(record).remainingMs).toBeGreaterThan(0);
    expect(body(record).remainingMs).toBeLessThanOrEqual(2000);
    expect(body(env).value).toBe("lab-test-probe");
    expect(body(greeting).value).toBe("hello");
  });

  it("prints a REPORT line with duration, billed duration, memory size and max memory used", async () => {
    const rt = await start();
    const lines: string[] = [];
    rt.events.on("log", (l) => lines.push(l.line));
    const record = await rt.invoke("probe", {});
    expect(record.report).toMatch(
      new RegExp(
        `^REPORT RequestId: ${record.requestId}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: [1-9]\\d* MB\\tInit Duration: \\d+\\.\\d{2} ms$`,
      ),
    );
    expect(lines).toContain(`START RequestId: ${record.requestId} Version: $LATEST`);
    expect(lines).toContain(record.report);
    expect(record.logs.some((l) => l.includes(`${record.requestId}\tINFO\tprobe invoked`))).toBe(true);
  });

  it("keeps concurrent requests in separate processes that share no memory", async () => {
    const rt = await start({ reservedConcurrency: 2 });
    const [a, b] = await Promise.all([
      rt.invoke("probe", { action: "sleep", ms: 300 }),
      rt.invoke("probe", { action: "sleep", ms: 300 }),
    ]);
    expect(a.environmentId).not.toBe(b.environmentId);
    expect(body(a).served).toBe(1);
    expect(body(b).served).toBe(1);
  });

  it("recycles an idle environment, so the next request is cold again", async () => {
    const rt = await start({}, { idleTimeoutMs: 150 });
    const first = await rt.invoke("probe", {});
    await new Promise((resolve) => setTimeout(resolve, 600));
    const later = await rt.invoke("probe", {});
    expect(later.cold).toBe(true);
    expect(later.environmentId).not.toBe(first.environmentId);
  });
});

describe("concurrency", () => {
  it("throttles exactly the synchronous requests over the reserved concurrency with 429", async () => {
    const rt = await start({ reservedConcurrency: 3 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 7 }, () => rt.invoke("probe", { action: "sleep", ms: 200 })),
    );
    const throttled = outcomes.filter((o) => o.status === "rejected");
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(3);
    expect(throttled).toHaveLength(4);
    for (const t of throttled) {
      const error = (t as PromiseRejectedResult).reason as TooManyRequestsError;
      expect(error).toBeInstanceOf(TooManyRequestsError);
      expect(error.statusCode).toBe(429);
      expect(error.reason).toBe("ReservedFunctionConcurrentInvocationLimitExceeded");
    }
  });

  it("queues async events over the limit and runs every one, never more at once than reserved", async () => {
    const rt = await start({ reservedConcurrency: 1 });
    let peak = 0;
    rt.events.on("concurrency", (c) => {
      peak = Math.max(peak, c.concurrent);
    });
    const done: string[] = [];
    rt.events.on("invocation", (r) => done.push(r.status));
    for (let i = 0; i < 4; i++) rt.invokeAsync("probe", { action: "sleep", ms: 50 });
    await expect.poll(() => done.length, { timeout: 10_000 }).toBe(4);
    expect(done).toEqual(["success", "success", "success", "success"]);
    expect(peak).toBe(1);
  });
});

describe("failures", () => {
  it("stops an invocation past its timeout, reports it, and starts the next one cold", async () => {
    const rt = await start({ timeoutSeconds: 1 });
    const first = await rt.invoke("probe", {});
    const timedOut = await rt.invoke("probe", { action: "sleep", ms: 5_000 });
    const after = await rt.invoke("probe", {});
    expect(timedOut.status).toBe("timeout");
    expect(body(timedOut).errorMessage).toMatch(
      new RegExp(`${timedOut.requestId} Task timed out after 1\\.00 seconds$`),
    );
    expect(timedOut.report).toMatch(/Duration: 1\d{3}\.\d\d ms.*Status: timeout$/);
    expect(after.cold).toBe(true);
    expect(body(after).pid).not.toBe(body(first).pid);
  });

  it("returns a handler's error as Lambda's error object and keeps the environment warm", async () => {
    const rt = await start();
    await rt.invoke("probe", {});
    const failed = await rt.invoke("probe", { action: "fail", message: "bad input" });
    const next = await rt.invoke("probe", {});
    expect(failed.status).toBe("error");
    expect(body(failed)).toMatchObject({ errorType: "TypeError", errorMessage: "bad input" });
    expect(failed.report).toMatch(/Status: error\tError Type: TypeError$/);
    expect(failed.logs.some((l) => l.includes("failing on purpose"))).toBe(true);
    expect(next.cold).toBe(false);
  });

  it("reports a process exit as Runtime.ExitError", async () => {
    const rt = await start();
    const crashed = await rt.invoke("probe", { action: "exit" });
    expect(crashed.status).toBe("crash");
    expect(body(crashed)).toMatchObject({
      errorType: "Runtime.ExitError",
      errorMessage: `RequestId: ${crashed.requestId} Error: Runtime exited with error: exit status 3`,
    });
  });

  it("reports a module that fails at init on the invocation that started it", async () => {
    const rt = await start({ codeDir: fixture("broken") });
    const record = await rt.invoke("probe", {});
    expect(record.status).toBe("error");
    expect(body(record)).toMatchObject({ errorType: "Error", errorMessage: "BUCKET_NAME: is not set" });
    expect(record.initDurationMs).toBeGreaterThan(0);
  });

  it("stops an environment whose memory passes the configured size", async () => {
    const rt = await start({ memorySizeMb: 128 });
    const record = await rt.invoke("probe", { action: "allocate", mb: 300 });
    expect(record.status).toBe("error");
    expect(record.errorType).toBe("Runtime.OutOfMemory");
    expect(record.maxMemoryUsedMb).toBe(128);
  });

  it("retries a failed async event twice, then hands it to the on-failure handler", async () => {
    const rt = await start({}, { retryDelaysMs: [50, 100] });
    const attempts: number[] = [];
    rt.events.on("invocation", (r) => attempts.push(r.attempt));
    const failure = new Promise<{ attempts: number; requestId: string }>((resolve) =>
      rt.events.once("async-failure", resolve),
    );
    const requestId = rt.invokeAsync("probe", { action: "fail" });
    const landed = await failure;
    expect(landed).toMatchObject({ attempts: 3, requestId });
    expect(attempts).toEqual([1, 2, 3]);
  });

  it("counts a retry waiting its delay as a pending event, so a restart does not drop it", async () => {
    // Prepare: Lambda waits a minute before the first retry; the lab stops meanwhile.
    const rt = await start({}, { retryDelaysMs: [60_000, 120_000] });
    const failed = new Promise((resolve) => rt.events.once("invocation", resolve));
    // Act
    const requestId = rt.invokeAsync("probe", { action: "fail" });
    await failed;
    // Assess
    await expect
      .poll(() => rt.pendingEvents().probe)
      .toEqual([{ requestId, payload: '{"action":"fail"}', source: "invoke" }]);
  });
});
