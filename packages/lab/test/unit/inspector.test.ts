import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildFunction } from "@lambda-lab/artifact";
import { SourceMapConsumer } from "source-map-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InvocationRecord } from "../../src/runtime/function-pool.js";
import { type LambdaRuntime, startLambdaRuntime } from "../../src/runtime/lambda-runtime.js";
import { type Cdp, connectCdp } from "../support/cdp.js";

const host = process.arch === "arm64" ? "arm64" : "x64";
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The inspector's WebSocket URL, once the environment's Node has opened it. */
const debuggerUrl = async (port: number): Promise<string> => {
  for (let i = 0; i < 100; i++) {
    const list = await fetch(`http://127.0.0.1:${port}/json/list`)
      .then((r) => r.json() as Promise<{ webSocketDebuggerUrl: string }[]>)
      .catch(() => []);
    if (list[0]) return list[0].webSocketDebuggerUrl;
    await sleep(100);
  }
  throw new Error(`no inspector on port ${port}`);
};

describe("pnpm dev --inspect: a debugger on the built artifact", () => {
  let work: string;
  let codeDir: string;
  let port: number;
  let runtime: LambdaRuntime;
  let cdp: Cdp;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "lab-inspect-"));
    const fixture = fileURLToPath(new URL("../fixtures/functions/debuggee", import.meta.url));
    await cp(fixture, join(work, "debuggee"), { recursive: true });
    const runtimes = { target: "nodejs24.x", probe: ["nodejs24.x"] } as const;
    await buildFunction(join(work, "debuggee"), [host], { runtimes });
    codeDir = join(work, "debuggee", "dist", host);
    port = await freePort();
    runtime = await startLambdaRuntime({
      functions: [
        {
          id: "debuggee",
          functionName: "lab-test-debuggee",
          arn: "arn:aws:lambda:eu-west-1:000000000000:function:lab-test-debuggee",
          codeDir,
          handler: "index.handler",
          memorySizeMb: 256,
          timeoutSeconds: 1,
          runtime: "nodejs24.x",
          region: "eu-west-1",
          environment: {},
          reservedConcurrency: 5,
        },
      ],
      inspect: { functionId: "debuggee", port },
    });
    cdp = await connectCdp(await debuggerUrl(port));
  }, 60_000);
  afterAll(async () => {
    cdp?.close();
    await runtime?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("pauses at a breakpoint set on a TypeScript line through the source map, stops the timeout clock, and resumes", async () => {
    // Prepare: find the handler's marked line, and where the source map puts it in the bundle.
    const tsLine =
      (await readFile(join(work, "debuggee", "src", "handler.ts"), "utf8"))
        .split("\n")
        .findIndex((l) => l.includes("// breakpoint")) + 1;
    const map = new SourceMapConsumer(JSON.parse(await readFile(join(codeDir, "index.mjs.map"), "utf8")));
    const source = map.sources.find((s) => s.endsWith("src/handler.ts"));
    expect(source).toBe("../../src/handler.ts");
    const generated = map.generatedPositionFor({
      source: source!,
      line: tsLine,
      column: 0,
      bias: SourceMapConsumer.LEAST_UPPER_BOUND,
    });
    await cdp.send("Debugger.enable");
    const breakpoint = await cdp.send("Debugger.setBreakpointByUrl", {
      url: pathToFileURL(join(codeDir, "index.mjs")).href,
      lineNumber: (generated.line ?? 1) - 1,
      columnNumber: generated.column ?? 0,
    });
    const debuggerEvents: string[] = [];
    runtime.events.on("debugger", (e) => debuggerEvents.push(e.state));

    // Act: invoke, and hold the pause past the function's one-second timeout.
    let settled: InvocationRecord | undefined;
    const invocation = runtime.invoke("debuggee", { name: "ada" }).then((r) => (settled = r));
    const paused = await cdp.next("Debugger.paused");
    const frame = (
      paused.params.callFrames as { location: { lineNumber: number; columnNumber: number } }[]
    )[0]!;
    const original = map.originalPositionFor({
      line: frame.location.lineNumber + 1,
      column: frame.location.columnNumber,
    });
    await expect.poll(() => runtime.state()[0]?.inspector?.paused, { timeout: 5_000 }).toBe(true);
    await sleep(1_500);
    const stillRunning = settled === undefined;
    await cdp.send("Debugger.resume");
    const record = await invocation;
    await cdp.send("Debugger.removeBreakpoint", { breakpointId: breakpoint.breakpointId });

    // Assess
    expect(paused.params.hitBreakpoints).toEqual([breakpoint.breakpointId]);
    expect(original).toMatchObject({ source: "../../src/handler.ts", line: tsLine });
    expect(stillRunning).toBe(true);
    expect(record.status).toBe("success");
    expect(JSON.parse(record.body)).toMatchObject({ greeting: "hello, ada" });
    // The time left excludes the pause too: the handler read it after the breakpoint.
    expect(JSON.parse(record.body).remainingMs).toBeGreaterThan(500);
    expect(record.debuggerPausedMs).toBeGreaterThanOrEqual(1_400);
    expect(record.durationMs).toBeLessThan(1_000);
    // The watcher thread reports the resume on its own channel, which may land just after the result.
    await expect.poll(() => debuggerEvents, { timeout: 5_000 }).toEqual(["paused", "resumed"]);
    await expect
      .poll(() => runtime.state()[0]?.inspector, { timeout: 5_000 })
      .toEqual({ port, paused: false });
  }, 60_000);

  it("runs one environment at a time, so every invocation reaches the debugger's process", async () => {
    const outcomes = await Promise.allSettled([
      runtime.invoke("debuggee", {}),
      runtime.invoke("debuggee", {}),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(runtime.state()[0]?.concurrencyLimit).toBe(1);
    expect(runtime.state()[0]?.workers).toHaveLength(1);
  });
});
