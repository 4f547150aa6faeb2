import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type LambdaRuntime, startLambdaRuntime } from "../../src/runtime/lambda-runtime.js";

// A bundle that says which code it is and how long its process has lived when it answers.
const version = (v: string) =>
  `const loaded = ${JSON.stringify(v)};\nexport const handler = async () => ({ loaded, pid: process.pid, uptimeMs: process.uptime() * 1000 });\n`;
const WAIT_MS = 1_500;

describe("a cold start prepared while a hot reload rebuilds", () => {
  let codeDir: string;
  let runtime: LambdaRuntime;
  beforeEach(async () => {
    codeDir = await mkdtemp(join(tmpdir(), "lab-prepared-"));
    await writeFile(join(codeDir, "index.mjs"), version("v1"));
    runtime = await startLambdaRuntime({
      functions: [
        {
          id: "prepared",
          functionName: "lab-test-prepared",
          arn: "arn:aws:lambda:eu-west-1:000000000000:function:lab-test-prepared",
          codeDir,
          handler: "index.handler",
          memorySizeMb: 256,
          timeoutSeconds: 10,
          runtime: "nodejs24.x",
          region: "eu-west-1",
          environment: {},
          reservedConcurrency: 2,
        },
      ],
    });
  });
  afterEach(async () => {
    await runtime.stop();
    await rm(codeDir, { recursive: true, force: true });
  });
  const body = (record: { body: string }) =>
    JSON.parse(record.body) as { loaded: string; pid: number; uptimeMs: number };

  it("imports what the artifact folder holds when the request comes, not when it booted", async () => {
    // Prepare: booted on v1's folder, then the folder is swapped to v2 (as a reload's rename does)
    runtime.prepareColdStart("prepared");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writeFile(join(codeDir, "index.mjs"), version("v2"));
    // Act
    const record = await runtime.invoke("prepared", {});
    // Assess
    expect(record.cold).toBe(true);
    expect(body(record).loaded).toBe("v2");
    expect(record.report).toMatch(/Init Duration: \d+\.\d{2} ms/);
  });

  it("is the process the next cold start runs on, and its wait is no part of Init Duration", async () => {
    runtime.prepareColdStart("prepared");
    await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
    const record = await runtime.invoke("prepared", {});
    const { uptimeMs } = body(record);
    // The process was booted before the wait (it has lived through it) …
    expect(uptimeMs).toBeGreaterThanOrEqual(WAIT_MS);
    // … and Init Duration leaves that wait out: what is left is its boot and its import.
    expect(uptimeMs - (record.initDurationMs ?? Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(
      WAIT_MS / 3,
    );
    expect(record.initSplit?.runtimeMs).toBeGreaterThan(0);
  });

  it("serves a request that takes it before its runtime has even booted", async () => {
    runtime.prepareColdStart("prepared");
    const record = await runtime.invoke("prepared", {});
    expect(record.status).toBe("success");
    expect(record.cold).toBe(true);
    expect(body(record).loaded).toBe("v1");
  });

  it("is no environment of old code: a retire does not wait for it, nor stop it", async () => {
    const warm = await runtime.invoke("prepared", {});
    runtime.prepareColdStart("prepared");
    await runtime.retire("prepared");
    const next = await runtime.invoke("prepared", {});
    expect(next.cold).toBe(true);
    expect(body(next).pid).not.toBe(body(warm).pid);
    expect(runtime.state()[0]?.workers.map((w) => w.id)).toEqual([next.environmentId]);
  });
});
