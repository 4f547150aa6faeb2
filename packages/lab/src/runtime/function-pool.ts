import { randomUUID } from "node:crypto";
import { type PayloadExcerpt, payloadExcerpt } from "../trace/payload.js";
import {
  type Dispatch,
  Environment,
  type EnvironmentLaunch,
  type FunctionRuntimeConfig,
  type InvocationResult,
} from "./environment.js";
import { billedDurationMs, formatReportLine } from "./report.js";
import type { RuntimeApi } from "./runtime-api.js";

/** What Lambda answers a synchronous invoke over the function's concurrency: HTTP 429. */
export class TooManyRequestsError extends Error {
  override name = "TooManyRequestsException";
  readonly statusCode = 429;
  constructor(
    readonly functionId: string,
    readonly reason:
      | "ReservedFunctionConcurrentInvocationLimitExceeded"
      | "ConcurrentInvocationLimitExceeded",
  ) {
    super("Rate Exceeded.");
  }
}

/**
 * A concurrency budget: a function's reserved concurrency, or the pool the unreserved functions share.
 * Release listeners let queued async events start as soon as a slot frees.
 */
export class ConcurrencyLimit {
  inUse = 0;
  private readonly listeners: (() => void)[] = [];
  constructor(
    readonly limit: number,
    readonly reserved: boolean,
  ) {}
  tryAcquire(): boolean {
    if (this.inUse >= this.limit) return false;
    this.inUse++;
    return true;
  }
  release(): void {
    this.inUse = Math.max(0, this.inUse - 1);
    for (const listener of this.listeners) listener();
  }
  onRelease(listener: () => void): void {
    this.listeners.push(listener);
  }
}

export type InvocationType = "RequestResponse" | "Event";

export interface InvokeOptions {
  /** What sent the event, for the page and the logs: "api", "s3", "schedule", "cli", "burst"… */
  source?: string;
  clientContext?: string;
}

/**
 * One finished invocation, as the lab records, prints and streams it. `payload` is its event, secrets
 * redacted and cut to 8 KiB (trace/payload.ts): the invocation detail shows it, the tracer reads which
 * object or request it carried. Optional for records made elsewhere (tests, older saved records).
 */
export interface InvocationRecord extends InvocationResult, Partial<PayloadExcerpt> {
  functionId: string;
  functionName: string;
  invocationType: InvocationType;
  source: string;
  /** 1 for the first try of an async event, 2 and 3 for its retries. */
  attempt: number;
  memorySizeMb: number;
  billedDurationMs: number;
  report: string;
}

export interface AsyncFailure {
  functionId: string;
  requestId: string;
  payload: string;
  attempts: number;
  last: InvocationRecord;
}

/** Runs `run` once the wait before `attempt` (2 or 3) of an async event is over; returns a cancel. */
export interface RetryScheduler {
  schedule(retry: { functionId: string; requestId: string; attempt: number }, run: () => void): () => void;
}

/** An invocation handed to an environment (cold when that environment is new). */
export interface InvocationStarted {
  functionId: string;
  requestId: string;
  invocationType: InvocationType;
  source: string;
  attempt: number;
  cold: boolean;
  environmentId: string;
}

export interface PoolHooks {
  onStart(info: InvocationStarted): void;
  onRecord(record: InvocationRecord): void;
  onThrottle(functionId: string, invocationType: InvocationType): void;
  onConcurrency(functionId: string, concurrent: number): void;
  onAsyncFailure(failure: AsyncFailure): void;
  onLine(functionId: string, line: string, requestId: string | undefined, environmentId: string): void;
  onWorker(functionId: string, environmentId: string, event: "spawned" | "recycled" | "stopped"): void;
  onDebugger(functionId: string, environmentId: string, state: "paused" | "resumed"): void;
}

export interface PoolOptions {
  config: FunctionRuntimeConfig;
  limit: ConcurrencyLimit;
  runtimeApi: RuntimeApi;
  /** Idle environments are stopped after this long (Lambda recycles them after minutes). */
  idleTimeoutMs: number;
  /** Async retries on a plain timer when no `retryClock` is given (tests of the pool alone). */
  retryDelaysMs: readonly number[];
  /** Waits Lambda's delays before each retry, real or fast-forwarded (src/retries/retry-clock.ts). */
  retryClock?: RetryScheduler | undefined;
  maxRetryAttempts: number;
  hooks: PoolHooks;
  /** The runtime's Node.js binary (and, for `--inspect`, the inspector port) every environment starts with. */
  launch: Omit<EnvironmentLaunch, "generation">;
}

interface QueuedEvent {
  requestId: string;
  payload: string;
  source: string;
  attempt: number;
}

/**
 * One function's environments and queues. Synchronous invokes take a slot or get a 429; async events wait
 * in a queue for a slot, are retried on failure, and go to the on-failure handler after the last retry.
 */
export class FunctionPool {
  /** Invocations running now: the function's ConcurrentExecutions. */
  concurrent = 0;
  readonly environments = new Set<Environment>();
  private readonly idle: Environment[] = [];
  private readonly idleTimers = new Map<Environment, NodeJS.Timeout>();
  private readonly queue: QueuedEvent[] = [];
  /** The retries waiting for their delay, by their cancel: saved at shutdown with the queue. */
  private readonly retryWaits = new Map<() => void, QueuedEvent>();
  private stopped = false;
  /** Bumped by retire(): environments of an older generation run replaced code. */
  private generation = 0;
  private readonly drainWaiters: { generation: number; resolve: () => void }[] = [];
  /** Booted ahead by prepareColdStart, not yet an environment: the next cold start takes it. */
  private parked: { env: Environment; timer: NodeJS.Timeout } | undefined;

  constructor(private readonly options: PoolOptions) {
    options.limit.onRelease(() => this.pump());
    // A debugger needs an environment to attach to before the first invocation arrives.
    if (this.inspecting) this.prestart();
  }

  /** `--inspect`: one environment at a time, kept started, on the inspector port. */
  get inspecting(): boolean {
    return this.options.launch.inspectPort !== undefined;
  }

  get id(): string {
    return this.options.config.id;
  }
  get config(): FunctionRuntimeConfig {
    return this.options.config;
  }
  get limit(): ConcurrencyLimit {
    return this.options.limit;
  }
  get launch(): PoolOptions["launch"] {
    return this.options.launch;
  }
  /** Async events waiting for a slot or for their retry delay. */
  get queued(): number {
    return this.queue.length + this.retryWaits.size;
  }

  /** RequestResponse: runs now or throws TooManyRequestsError. */
  async invoke(payload: string, options: InvokeOptions = {}): Promise<InvocationRecord> {
    if (this.stopped) throw new Error(`${this.id}: the lab is stopping`);
    if (!this.options.limit.tryAcquire()) {
      this.options.hooks.onThrottle(this.id, "RequestResponse");
      throw new TooManyRequestsError(
        this.id,
        this.options.limit.reserved
          ? "ReservedFunctionConcurrentInvocationLimitExceeded"
          : "ConcurrentInvocationLimitExceeded",
      );
    }
    try {
      return await this.execute(
        { requestId: randomUUID(), payload, clientContext: options.clientContext },
        "RequestResponse",
        options.source ?? "invoke",
        1,
      );
    } finally {
      this.options.limit.release();
    }
  }

  /** Event: queued, answered at once with the request id (Lambda's 202). */
  invokeAsync(payload: string, options: InvokeOptions = {}): string {
    if (this.stopped) throw new Error(`${this.id}: the lab is stopping`);
    const requestId = randomUUID();
    this.queue.push({ requestId, payload, source: options.source ?? "invoke", attempt: 1 });
    this.pump();
    return requestId;
  }

  /**
   * After a hot reload: idle environments stop now, busy ones when their invocation ends (it finishes on the
   * code it started with), so the next invocation is a cold start on the new code. Resolves once no
   * environment of an older generation is left, when their old artifact folder can go.
   */
  retire(): Promise<void> {
    this.generation++;
    const generation = this.generation;
    for (const env of [...this.idle]) {
      this.takeIdle(env);
      env.stop("recycled");
    }
    const drained = new Promise<void>((resolve) => this.drainWaiters.push({ generation, resolve }));
    this.checkDrained();
    if (this.inspecting && this.environments.size === 0) this.prestart();
    return drained;
  }

  /**
   * A hot reload is rebuilding: boot the next environment's runtime now (Node.js and the bootstrap, parked
   * before the import), so the cold start after the swap pays only the import. It imports whatever the
   * artifact folder holds when a request takes it, and the wait is left out of its Init Duration.
   */
  prepareColdStart(): void {
    if (this.stopped || this.inspecting || this.parked) return;
    const env = this.spawn(true);
    // Unused (no request came), it goes as an idle environment would.
    const timer = setTimeout(() => env.stop("recycled"), this.options.idleTimeoutMs);
    timer.unref();
    this.parked = { env, timer };
  }

  /** Events still queued: saved at shutdown, so a restart does not drop them. */
  pendingEvents(): { requestId: string; payload: string; source: string }[] {
    // A retry waiting its minute is an accepted event too: Lambda would still deliver it.
    return [...this.queue, ...this.retryWaits.values()].map(({ requestId, payload, source }) => ({
      requestId,
      payload,
      source,
    }));
  }

  stop(): void {
    this.stopped = true;
    for (const waiter of this.drainWaiters.splice(0)) waiter.resolve();
    for (const cancel of this.retryWaits.keys()) cancel();
    this.retryWaits.clear();
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    for (const env of this.environments) env.stop("shutdown");
    if (this.parked) clearTimeout(this.parked.timer);
    this.parked?.env.stop("shutdown");
  }

  private pump(): void {
    while (!this.stopped && this.queue.length > 0) {
      // An async event over the limit waits for a slot (Lambda's internal queue retries it for hours).
      if (!this.options.limit.tryAcquire()) return;
      const event = this.queue.shift()!;
      void this.runAsync(event);
    }
  }

  private async runAsync(event: QueuedEvent): Promise<void> {
    let record: InvocationRecord;
    try {
      record = await this.execute(
        { requestId: event.requestId, payload: event.payload },
        "Event",
        event.source,
        event.attempt,
      );
    } finally {
      this.options.limit.release();
    }
    if (record.status === "success" || this.stopped) return;
    if (event.attempt <= this.options.maxRetryAttempts) {
      const attempt = event.attempt + 1;
      const cancel = this.scheduleRetry({ functionId: this.id, requestId: event.requestId, attempt }, () => {
        this.retryWaits.delete(cancel);
        this.queue.push({ ...event, attempt });
        this.pump();
      });
      this.retryWaits.set(cancel, { ...event, attempt });
      return;
    }
    this.options.hooks.onAsyncFailure({
      functionId: this.id,
      requestId: event.requestId,
      payload: event.payload,
      attempts: event.attempt,
      last: record,
    });
  }

  private scheduleRetry(retry: Parameters<RetryScheduler["schedule"]>[0], run: () => void): () => void {
    if (this.options.retryClock) return this.options.retryClock.schedule(retry, run);
    const delays = this.options.retryDelaysMs;
    const timer = setTimeout(run, delays[retry.attempt - 2] ?? delays.at(-1) ?? 0);
    return () => clearTimeout(timer);
  }

  private takeIdle(env: Environment): void {
    clearTimeout(this.idleTimers.get(env));
    this.idleTimers.delete(env);
    const index = this.idle.indexOf(env);
    if (index >= 0) this.idle.splice(index, 1);
  }

  private async takeEnvironment(): Promise<Environment> {
    for (let env = this.idle.pop(); env; env = this.idle.pop()) {
      this.takeIdle(env);
      if (env.state !== "stopped") return env;
    }
    if (this.inspecting) {
      // The one environment the debugger attaches to: take it while it starts, and never start a second
      // one on the inspector's port before the last one has exited.
      const starting = [...this.environments].find((e) => e.free);
      if (starting) return starting;
      await Promise.all([...this.environments].map((e) => new Promise<void>((r) => e.onceExited(r))));
    }
    const parked = this.parked;
    if (parked && parked.env.state === "starting") {
      clearTimeout(parked.timer);
      this.parked = undefined;
      this.adopt(parked.env);
      parked.env.release(this.generation);
      return parked.env;
    }
    return this.spawn();
  }

  private spawn(parked = false): Environment {
    const { config, runtimeApi, hooks, launch } = this.options;
    const env = new Environment(
      config,
      runtimeApi.address,
      {
        onLine: (e, line, requestId) => hooks.onLine(config.id, line, requestId, e.id),
        onExit: (e) => this.forget(e),
        onReady: (e) => this.release(e),
        onDebugger: (e, state) => hooks.onDebugger(config.id, e.id, state),
      },
      { ...launch, generation: this.generation, parked },
    );
    runtimeApi.register(env);
    if (!parked) this.adopt(env);
    return env;
  }

  private adopt(env: Environment): void {
    this.environments.add(env);
    this.options.hooks.onWorker(this.id, env.id, "spawned");
  }

  /** Starts an environment ahead of any invocation (inspect mode), so a debugger can attach to it. */
  private prestart(): void {
    if (this.stopped || this.environments.size > 0) return;
    this.spawn();
  }

  private forget(env: Environment): void {
    if (this.parked?.env === env) {
      clearTimeout(this.parked.timer);
      this.parked = undefined;
      this.options.runtimeApi.unregister(env);
      return;
    }
    if (!this.environments.delete(env)) return;
    this.options.runtimeApi.unregister(env);
    this.takeIdle(env);
    this.options.hooks.onWorker(this.id, env.id, env.stopReason === "recycled" ? "recycled" : "stopped");
    this.checkDrained();
    // Keep one environment up for the debugger, but never loop on a module that cannot even load: after a
    // failed init the next invocation starts one (and shows the error).
    if (this.inspecting && env.ready) this.prestart();
  }

  private checkDrained(): void {
    for (const waiter of [...this.drainWaiters]) {
      if ([...this.environments].some((e) => e.generation < waiter.generation)) continue;
      this.drainWaiters.splice(this.drainWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  private release(env: Environment): void {
    if (env.state === "stopped" || this.stopped) {
      if (this.stopped) env.stop("shutdown");
      return;
    }
    // Replaced code since it started: it finished its invocation, now it makes way for the new code.
    if (env.generation < this.generation) {
      env.stop("recycled");
      return;
    }
    if (this.idle.includes(env)) return;
    if (this.inspecting) {
      this.idle.push(env);
      return;
    }
    // Most recently used first, as Lambda tends to: older idle environments age out and get recycled.
    this.idle.push(env);
    const timer = setTimeout(() => {
      this.idleTimers.delete(env);
      env.stop("recycled");
    }, this.options.idleTimeoutMs);
    timer.unref();
    this.idleTimers.set(env, timer);
  }

  private async execute(
    dispatch: Dispatch,
    invocationType: InvocationType,
    source: string,
    attempt: number,
  ): Promise<InvocationRecord> {
    const { config, hooks } = this.options;
    const env = await this.takeEnvironment();
    this.concurrent++;
    hooks.onConcurrency(config.id, this.concurrent);
    hooks.onStart({
      functionId: config.id,
      requestId: dispatch.requestId,
      invocationType,
      source,
      attempt,
      cold: env.state === "starting",
      environmentId: env.id,
    });
    hooks.onLine(
      config.id,
      `START RequestId: ${dispatch.requestId} Version: $LATEST`,
      dispatch.requestId,
      env.id,
    );
    let result: InvocationResult;
    try {
      result = await env.run(dispatch);
    } finally {
      this.concurrent--;
      hooks.onConcurrency(config.id, this.concurrent);
    }
    this.release(env);
    const status =
      result.status === "timeout" ? "timeout" : result.status === "success" ? undefined : "error";
    const report = formatReportLine({
      requestId: result.requestId,
      durationMs: result.durationMs,
      memorySizeMb: config.memorySizeMb,
      maxMemoryUsedMb: result.maxMemoryUsedMb,
      initDurationMs: result.initDurationMs,
      status,
      errorType: result.errorType,
    });
    hooks.onLine(config.id, `END RequestId: ${result.requestId}`, result.requestId, env.id);
    hooks.onLine(config.id, report, result.requestId, env.id);
    const record: InvocationRecord = {
      ...result,
      functionId: config.id,
      functionName: config.functionName,
      invocationType,
      source,
      attempt,
      memorySizeMb: config.memorySizeMb,
      billedDurationMs: billedDurationMs(result.durationMs, result.initDurationMs),
      report,
      ...payloadExcerpt(dispatch.payload),
    };
    hooks.onRecord(record);
    return record;
  }
}
