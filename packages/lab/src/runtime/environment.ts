import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { NodeRuntime } from "@lambda-lab/artifact";
import { type InitSplit, splitInit, type WorkerInitTiming } from "./init-split.js";
import { PausableTimer } from "./pausable-timer.js";
import { END_MARKER } from "./protocol.mjs";
import { exitMessage, timeoutMessage } from "./report.js";

const BOOTSTRAP = fileURLToPath(new URL("./bootstrap.mjs", import.meta.url));

/** Lambda gives the INIT phase (runtime start + the module's top-level code) ten seconds. */
export const INIT_LIMIT_MS = 10_000;
/** After a result, how long to wait for the worker's output streams to catch up before closing the logs. */
const LOG_SETTLE_MS = 250;

/** One function as the runtime runs it: what Lambda's CreateFunction would hold. */
export interface FunctionRuntimeConfig {
  id: string;
  functionName: string;
  arn: string;
  /** Folder with index.mjs at its root (LAMBDA_TASK_ROOT). */
  codeDir: string;
  handler: string;
  memorySizeMb: number;
  timeoutSeconds: number;
  /** Lambda's managed runtime identifier, e.g. nodejs24.x (AWS_EXECUTION_ENV): the Node.js major it runs. */
  runtime: NodeRuntime;
  region: string;
  environment: Record<string, string>;
}

export interface Dispatch {
  requestId: string;
  payload: string;
  clientContext?: string | undefined;
}

export type InvocationStatus = "success" | "error" | "timeout" | "crash";

export interface InvocationResult {
  requestId: string;
  status: InvocationStatus;
  /** The response payload, or Lambda's error object (errorType, errorMessage, stackTrace) as JSON. */
  body: string;
  errorType?: string | undefined;
  cold: boolean;
  initDurationMs?: number | undefined;
  /** A cold start's init duration in parts (runtime start, the bundle's load and evaluation): the lab's. */
  initSplit?: InitSplit | undefined;
  durationMs: number;
  maxMemoryUsedMb: number;
  /** CPU time the handler used (the worker measures it); undefined when it ended without a result. */
  cpuTimeMs?: number | undefined;
  logs: string[];
  startedAt: number;
  endedAt: number;
  environmentId: string;
  /** Time a debugger held the worker paused during the invocation (not counted in durationMs). */
  debuggerPausedMs?: number | undefined;
}

export interface EnvironmentHooks {
  /** A line the worker wrote, with the request it belongs to (undefined during init). */
  onLine(env: Environment, line: string, requestId: string | undefined): void;
  onExit(env: Environment, code: number | null, signal: string | null): void;
  /** Init finished with no invocation waiting (a pre-started environment): it is idle. */
  onReady?(env: Environment): void;
  /** A debugger paused or resumed the worker (inspect mode only). */
  onDebugger?(env: Environment, state: "paused" | "resumed"): void;
}

/** How the worker process is started: which Node.js binary, and whether a debugger may attach. */
export interface EnvironmentLaunch {
  /** The runtime's Node.js executable (never the lab's own Node). */
  execPath: string;
  /** Its version, for the INIT_START line (v24.22.3). */
  nodeVersion: string;
  /** Open the Node inspector on this loopback port, and report pauses so the clocks stop. */
  inspectPort?: number | undefined;
  /** Bumped by a hot reload: environments of an older generation run old code and are retired. */
  generation?: number;
  /**
   * Boot the runtime (Node.js, the bootstrap) now but import the bundle only on `release()`: a hot reload
   * starts the next environment while it rebuilds. The wait is left out of the init duration.
   */
  parked?: boolean;
}

export type EnvironmentState = "starting" | "idle" | "busy" | "stopped";

interface Current {
  dispatch: Dispatch;
  resolve: (result: InvocationResult) => void;
  cold: boolean;
  dispatchedAt?: number;
  startedAt: number;
  timer?: PausableTimer;
  logs: string[];
  markers: number;
  outcome?: {
    status: InvocationStatus;
    body: string;
    errorType?: string | undefined;
    at: number;
    cpuTimeMs?: number | undefined;
  };
  settleTimer?: NodeJS.Timeout;
  memoryTimer?: NodeJS.Timeout;
  peakMb: number;
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** X-Ray's trace header format, as Lambda passes it in Lambda-Runtime-Trace-Id. */
const traceId = () =>
  `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${hex(12)};Parent=${hex(8)};Sampled=0`;

const MEMORY_SAMPLE_MS = 100;

/**
 * Peak and current resident memory of a process (Linux VmHWM / VmRSS), in MB: Lambda's Max Memory Used is
 * the peak. Zero where /proc is not available.
 */
export const memoryOf = (pid: number | undefined): { peakMb: number; rssMb: number } => {
  if (pid === undefined) return { peakMb: 0, rssMb: 0 };
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status)?.[1] ?? 0);
    return { peakMb: Math.ceil(kb("VmHWM") / 1024), rssMb: Math.ceil(kb("VmRSS") / 1024) };
  } catch {
    return { peakMb: 0, rssMb: 0 };
  }
};

const errorJson = (errorType: string, errorMessage: string) => JSON.stringify({ errorType, errorMessage });

/**
 * One Lambda execution environment: a forked Node.js process running the bootstrap, which loads the bundle
 * and asks the runtime API for work. It serves one invocation at a time and shares no memory with any other
 * environment, so whatever a function keeps in module scope is visible only to later requests it serves.
 */
export class Environment {
  readonly id: string;
  readonly logStreamName: string;
  state: EnvironmentState = "starting";
  /** Set once the worker first asks for work: the cold start's init duration. */
  initDurationMs: number | undefined;
  /** Where that init time went, from the worker's own timing (see InitSplit). */
  initSplit: InitSplit | undefined;
  invocations = 0;
  lastUsedAt = Date.now();
  /** Set at spawn, or at release for a parked environment: the code generation it imports. */
  generation: number;
  /** Booted and waiting for release() before it imports the bundle. */
  parked: boolean;
  /** Set while a debugger holds the worker paused (inspect mode). */
  debuggerPaused = false;
  /** Init completed (the worker asked for work at least once). */
  ready = false;
  private readonly child: ChildProcess;
  private readonly spawnedAt = performance.now();
  private pendingNext: ServerResponse | undefined;
  private current: Current | undefined;
  private readonly initTimer = new PausableTimer(() => this.onInitTimeout());
  private reportedInit = false;
  /** Lines written before the first invocation took the environment (INIT_START): they open its logs. */
  private initLines: string[] = [];
  private readonly buffers = { stdout: "", stderr: "" };
  private exited = false;
  private readonly exitWaiters: (() => void)[] = [];
  stopReason: "recycled" | "shutdown" | "timeout" | "out-of-memory" | "crash" | undefined;

  constructor(
    readonly config: FunctionRuntimeConfig,
    runtimeApi: string,
    private readonly hooks: EnvironmentHooks,
    readonly launch: EnvironmentLaunch,
  ) {
    this.id = hex(8);
    this.generation = launch.generation ?? 0;
    this.parked = launch.parked === true && launch.inspectPort === undefined;
    const today = new Date().toISOString().slice(0, 10).replaceAll("-", "/");
    this.logStreamName = `${today}/[$LATEST]${hex(16)}`;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      LANG: "en_US.UTF-8",
      TZ: "UTC",
      LAMBDA_TASK_ROOT: config.codeDir,
      LAMBDA_RUNTIME_DIR: fileURLToPath(new URL(".", import.meta.url)),
      _HANDLER: config.handler,
      AWS_EXECUTION_ENV: `AWS_Lambda_${config.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: config.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memorySizeMb),
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: this.logStreamName,
      AWS_LAMBDA_RUNTIME_API: `${runtimeApi}/${this.id}`,
      AWS_REGION: config.region,
      AWS_DEFAULT_REGION: config.region,
      ...config.environment,
    };
    // Like Lambda's Node.js runtime, size the heap from the configured memory; the rest is native memory.
    const heapMb = Math.max(16, Math.floor(config.memorySizeMb * 0.85));
    const inspect = launch.inspectPort !== undefined;
    // The runtime's own Node.js binary: a bundle meets the APIs of the Node major Lambda runs, not the lab's.
    this.child = fork(BOOTSTRAP, inspect ? ["--lab-watch-debugger"] : this.parked ? ["--lab-park"] : [], {
      cwd: config.codeDir,
      env,
      execPath: launch.execPath,
      execArgv: [
        `--max-old-space-size=${heapMb}`,
        ...(inspect ? [`--inspect=127.0.0.1:${launch.inspectPort}`] : []),
      ],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
    });
    // Lambda's first line of every execution environment names its runtime version.
    this.initLines.push(
      `INIT_START Runtime Version: nodejs:${config.runtime.replace(/^nodejs|\.x$/g, "")} (Node.js ${launch.nodeVersion})`,
    );
    this.child.stdout?.on("data", (chunk: Buffer) => this.onOutput("stdout", chunk));
    this.child.stderr?.on("data", (chunk: Buffer) => this.onOutput("stderr", chunk));
    this.child.on("exit", (code, signal) => this.onExit(code, signal));
    this.child.on("message", (message) => this.onWorkerMessage(message));
    this.child.on("error", (error) => this.hooks.onLine(this, `worker error: ${error.message}`, undefined));
    if (!this.parked) this.startInit();
  }

  /** Lambda's INIT phase starts: its ten-second limit, and INIT_START in the logs. */
  private startInit(): void {
    this.initTimer.start(INIT_LIMIT_MS);
    for (const line of this.initLines) this.hooks.onLine(this, line, undefined);
  }

  /** A parked environment imports the bundle now, as an environment of `generation`. */
  release(generation: number): void {
    if (!this.parked || this.state === "stopped") return;
    this.parked = false;
    this.generation = generation;
    this.startInit();
    if (this.waitingAtPark) this.go();
  }

  /** The worker listens for its go only once it says it is parked; a go sent earlier would be lost. */
  private waitingAtPark = false;
  private onWorkerMessage(message: unknown): void {
    if (message !== "parked") return;
    this.waitingAtPark = true;
    if (!this.parked) this.go();
  }

  private go(): void {
    // A process that died while parked has no channel: its exit ends the invocation that took it.
    if (this.child.connected) this.child.send("go");
  }

  /** Started (or starting) and serving no invocation. */
  get free(): boolean {
    return !this.current && this.state !== "stopped" && this.state !== "busy";
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Calls back once the worker process has exited (at once if it already has). */
  onceExited(callback: () => void): void {
    if (this.exited) callback();
    else this.exitWaiters.push(callback);
  }

  /** Runs one invocation. On a new environment this waits for init: the caller sees a cold start. */
  run(dispatch: Dispatch): Promise<InvocationResult> {
    if (this.current || this.state === "stopped" || this.state === "busy" || this.parked)
      throw new Error(`environment ${this.id} is not free`);
    return new Promise((resolve) => {
      const cold = this.state === "starting";
      this.current = {
        dispatch,
        resolve,
        cold,
        startedAt: Date.now(),
        logs: this.initLines.splice(0),
        markers: 0,
        peakMb: 0,
      };
      this.state = "busy";
      this.lastUsedAt = Date.now();
      if (this.pendingNext) {
        const res = this.pendingNext;
        this.pendingNext = undefined;
        this.sendEvent(res);
      }
    });
  }

  /** GET /runtime/invocation/next: the worker is ready for work (after init, or after its last result). */
  handleNext(res: ServerResponse, initTiming?: WorkerInitTiming): void {
    const first = !this.ready;
    if (this.initDurationMs === undefined) {
      this.endInit(initTiming);
      this.initTimer.clear();
    }
    this.ready = true;
    if (this.current && this.current.dispatchedAt === undefined) this.sendEvent(res);
    else {
      this.pendingNext = res;
      if (!this.current && this.state !== "stopped") {
        this.state = "idle";
        if (first) this.hooks.onReady?.(this);
      }
    }
  }

  /** The worker's debugger watcher: a debugger paused or resumed it. Lambda's clocks stop meanwhile. */
  handleDebugger(state: "paused" | "resumed"): void {
    const paused = state === "paused";
    if (paused === this.debuggerPaused) return;
    this.debuggerPaused = paused;
    for (const timer of [this.initTimer, this.current?.timer])
      if (timer) paused ? timer.pause() : timer.resume();
    this.hooks.onDebugger?.(this, state);
  }

  handleResult(
    requestId: string,
    kind: "response" | "error",
    body: string,
    errorType?: string,
    measured: { cpuTimeMs?: number | undefined } = {},
  ): number {
    const current = this.current;
    if (!current || current.dispatch.requestId !== requestId) return 400;
    if (current.outcome) return 409;
    current.timer?.clear();
    current.outcome = {
      status: kind === "response" ? "success" : "error",
      body,
      errorType: kind === "error" ? (errorType ?? "Error") : undefined,
      at: performance.now(),
      cpuTimeMs: measured.cpuTimeMs,
    };
    // The worker writes an end marker on stdout and stderr before posting; wait for both (briefly).
    if (current.markers >= 2) this.finish();
    else current.settleTimer = setTimeout(() => this.finish(), LOG_SETTLE_MS);
    return 202;
  }

  /** POST /runtime/init/error: the module failed to load. The invocation that started this env fails. */
  handleInitError(body: string, errorType: string | undefined, initTiming?: WorkerInitTiming): void {
    if (this.initDurationMs === undefined) this.endInit(initTiming);
    this.initTimer.clear();
    const current = this.current;
    if (current && !current.outcome) {
      current.outcome = {
        status: "error",
        body,
        errorType: errorType ?? "Runtime.Unknown",
        at: performance.now(),
      };
      current.markers = 2;
    }
    // The worker exits by itself; finish() runs from onExit so its last log lines are in.
  }

  /** Init ends here: spawn to now, less any debugger pause; its parts from the worker's own clock. */
  private endInit(initTiming: WorkerInitTiming | undefined): void {
    const pausedMs = this.initTimer.heldMs();
    this.initDurationMs = performance.now() - this.spawnedAt - pausedMs - (initTiming?.parkedMs ?? 0);
    // The worker's clock runs on through a pause: its figures would not add up to the whole.
    this.initSplit = pausedMs > 0 ? undefined : splitInit(this.initDurationMs, initTiming);
  }

  /** Kills the worker. A running invocation, if any, ends with `status` (a timeout, or a crash). */
  stop(reason: "recycled" | "shutdown" = "shutdown"): void {
    if (this.state === "stopped") return;
    this.state = "stopped";
    this.initTimer.clear();
    this.stopReason = reason;
    this.child.kill("SIGKILL");
    this.pendingNext?.destroy();
    this.pendingNext = undefined;
  }

  private sendEvent(res: ServerResponse): void {
    const current = this.current!;
    const deadline = Date.now() + this.config.timeoutSeconds * 1000;
    current.dispatchedAt = performance.now();
    res.writeHead(200, {
      "content-type": "application/json",
      "lambda-runtime-aws-request-id": current.dispatch.requestId,
      "lambda-runtime-deadline-ms": String(deadline),
      "lambda-runtime-invoked-function-arn": this.config.arn,
      "lambda-runtime-trace-id": traceId(),
      ...(current.dispatch.clientContext
        ? { "lambda-runtime-client-context": current.dispatch.clientContext }
        : {}),
    });
    res.end(current.dispatch.payload);
    current.timer = new PausableTimer(() => this.onTimeout());
    current.timer.start(this.config.timeoutSeconds * 1000);
    if (this.debuggerPaused) current.timer.pause();
    current.memoryTimer = setInterval(() => this.checkMemory(), MEMORY_SAMPLE_MS);
  }

  /** Lambda stops an environment whose memory passes the configured size: sample, and do the same. */
  private checkMemory(): void {
    const current = this.current;
    if (!current || current.outcome) return;
    const { peakMb, rssMb } = memoryOf(this.child.pid);
    current.peakMb = Math.max(current.peakMb, peakMb);
    if (rssMb <= this.config.memorySizeMb) return;
    current.peakMb = this.config.memorySizeMb;
    this.stopInvocation(
      "error",
      "Runtime.OutOfMemory",
      `RequestId: ${current.dispatch.requestId} Error: Runtime exited with error: signal: killed`,
      "out-of-memory",
    );
  }

  private onTimeout(): void {
    const current = this.current;
    if (!current || current.outcome) return;
    current.peakMb = Math.max(current.peakMb, memoryOf(this.child.pid).peakMb);
    this.stopInvocation(
      "timeout",
      "Sandbox.Timedout",
      timeoutMessage(current.dispatch.requestId, this.config.timeoutSeconds),
      "timeout",
    );
  }

  /** The current invocation ended without a handler response: Lambda's error payload and log line. */
  private recordOutcome(status: "error" | "timeout" | "crash", errorType: string, message: string): void {
    const current = this.current;
    if (!current) return;
    current.outcome = { status, body: errorJson(errorType, message), errorType, at: performance.now() };
    current.logs.push(message);
  }

  /**
   * Ends the current invocation from outside the handler, as Lambda does: whatever the handler was doing
   * stops here, the environment is killed, and the next request is cold.
   */
  private stopInvocation(
    status: "error" | "timeout",
    errorType: string,
    message: string,
    reason: "out-of-memory" | "timeout",
  ): void {
    const current = this.current;
    if (!current) return;
    this.recordOutcome(status, errorType, message);
    this.hooks.onLine(this, message, current.dispatch.requestId);
    this.state = "stopped";
    this.stopReason = reason;
    this.child.kill("SIGKILL");
    this.finish();
  }

  private onInitTimeout(): void {
    const current = this.current;
    if (current && !current.outcome) {
      const message = `${new Date().toISOString()} ${current.dispatch.requestId} INIT phase timed out after ${(INIT_LIMIT_MS / 1000).toFixed(2)} seconds`;
      this.initDurationMs = INIT_LIMIT_MS;
      this.recordOutcome("timeout", "Sandbox.Timedout", message);
    }
    this.state = "stopped";
    this.child.kill("SIGKILL");
    if (current) this.finish();
  }

  private onExit(code: number | null, signal: string | null): void {
    this.state = "stopped";
    this.stopReason ??= "crash";
    this.initTimer.clear();
    this.flushBuffers();
    const current = this.current;
    if (current && !current.outcome) {
      const message = exitMessage(current.dispatch.requestId, code, signal);
      this.recordOutcome("crash", "Runtime.ExitError", message);
      this.hooks.onLine(this, message, current.dispatch.requestId);
    }
    if (current) this.finish();
    this.exited = true;
    this.hooks.onExit(this, code, signal);
    for (const waiter of this.exitWaiters.splice(0)) waiter();
  }

  private finish(): void {
    const current = this.current;
    if (!current?.outcome) return;
    clearTimeout(current.settleTimer);
    const pausedMs = current.timer?.heldMs() ?? 0;
    current.timer?.clear();
    clearInterval(current.memoryTimer);
    this.current = undefined;
    const outcome = current.outcome;
    const start = current.dispatchedAt ?? outcome.at;
    const initDurationMs = !this.reportedInit ? this.initDurationMs : undefined;
    this.reportedInit = true;
    this.invocations++;
    this.lastUsedAt = Date.now();
    const result: InvocationResult = {
      requestId: current.dispatch.requestId,
      status: outcome.status,
      body: outcome.body,
      errorType: outcome.errorType,
      cold: current.cold,
      initDurationMs: current.cold ? initDurationMs : undefined,
      ...(current.cold && initDurationMs !== undefined && this.initSplit
        ? { initSplit: this.initSplit }
        : {}),
      // Node's timers may fire a fraction of a millisecond early by performance.now(); Lambda reports a
      // timed-out invocation as having run its whole timeout.
      // Time a debugger held the worker paused is not the function running (nor its timeout).
      durationMs:
        outcome.status === "timeout"
          ? Math.max(outcome.at - start - pausedMs, this.config.timeoutSeconds * 1000)
          : Math.max(0, outcome.at - start - pausedMs),
      // A killed process's peak can read past the limit; Lambda reports the memory size itself.
      maxMemoryUsedMb:
        outcome.errorType === "Runtime.OutOfMemory"
          ? this.config.memorySizeMb
          : Math.max(current.peakMb, memoryOf(this.child.pid).peakMb),
      cpuTimeMs: outcome.cpuTimeMs,
      logs: current.logs,
      startedAt: current.startedAt,
      endedAt: Date.now(),
      environmentId: this.id,
      ...(pausedMs > 0 ? { debuggerPausedMs: pausedMs } : {}),
    };
    // A worker that has posted its result asks for the next event straight away; until that request
    // arrives it is not yet free, but it will be: callers treat the environment as reusable.
    if (this.state === "busy") this.state = "idle";
    current.resolve(result);
  }

  private onOutput(stream: "stdout" | "stderr", chunk: Buffer): void {
    const text = this.buffers[stream] + chunk.toString("utf8");
    const lines = text.split("\n");
    this.buffers[stream] = lines.pop() ?? "";
    for (const line of lines) this.onOutputLine(line);
  }

  private flushBuffers(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.buffers[stream]) this.onOutputLine(this.buffers[stream]);
      this.buffers[stream] = "";
    }
  }

  private onOutputLine(line: string): void {
    const current = this.current;
    if (line.startsWith(END_MARKER)) {
      if (current && line.slice(END_MARKER.length) === current.dispatch.requestId) {
        current.markers++;
        if (current.markers >= 2 && current.outcome) this.finish();
      }
      return;
    }
    // A killed worker's last words (a socket reset on its long poll) are not the function's logs.
    if (this.stopReason === "shutdown" || this.stopReason === "recycled") return;
    if (current) current.logs.push(line);
    this.hooks.onLine(this, line, current?.dispatch.requestId);
  }
}
