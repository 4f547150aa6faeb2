import { randomUUID } from "node:crypto";
import {
  type Dispatch,
  Environment,
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

/** One finished invocation, as the lab records, prints and streams it. */
export interface InvocationRecord extends InvocationResult {
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
}

export interface PoolOptions {
  config: FunctionRuntimeConfig;
  limit: ConcurrencyLimit;
  runtimeApi: RuntimeApi;
  /** Idle environments are stopped after this long (Lambda recycles them after minutes). */
  idleTimeoutMs: number;
  /** Async retries: Lambda waits about 1 and then 2 minutes; the lab's delays are configurable. */
  retryDelaysMs: readonly number[];
  maxRetryAttempts: number;
  hooks: PoolHooks;
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
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: PoolOptions) {
    options.limit.onRelease(() => this.pump());
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
  /** Async events waiting for a slot or for their retry delay. */
  get queued(): number {
    return this.queue.length + this.retryTimers.size;
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

  /** Events still queued: saved at shutdown, so a restart does not drop them. */
  pendingEvents(): { requestId: string; payload: string; source: string }[] {
    return this.queue.map(({ requestId, payload, source }) => ({ requestId, payload, source }));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    for (const env of this.environments) env.stop("shutdown");
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
      const delay = this.options.retryDelaysMs[event.attempt - 1] ?? this.options.retryDelaysMs.at(-1) ?? 0;
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        this.queue.push({ ...event, attempt: event.attempt + 1 });
        this.pump();
      }, delay);
      this.retryTimers.add(timer);
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

  private takeEnvironment(): Environment {
    for (let env = this.idle.pop(); env; env = this.idle.pop()) {
      clearTimeout(this.idleTimers.get(env));
      this.idleTimers.delete(env);
      if (env.state !== "stopped") return env;
    }
    const { config, runtimeApi, hooks } = this.options;
    const env = new Environment(config, runtimeApi.address, {
      onLine: (e, line, requestId) => hooks.onLine(config.id, line, requestId, e.id),
      onExit: (e) => this.forget(e),
    });
    runtimeApi.register(env);
    this.environments.add(env);
    hooks.onWorker(config.id, env.id, "spawned");
    return env;
  }

  private forget(env: Environment): void {
    if (!this.environments.delete(env)) return;
    this.options.runtimeApi.unregister(env);
    clearTimeout(this.idleTimers.get(env));
    this.idleTimers.delete(env);
    const index = this.idle.indexOf(env);
    if (index >= 0) this.idle.splice(index, 1);
    this.options.hooks.onWorker(this.id, env.id, env.stopReason === "recycled" ? "recycled" : "stopped");
  }

  private release(env: Environment): void {
    if (env.state === "stopped" || this.stopped) {
      if (this.stopped) env.stop("shutdown");
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
    const env = this.takeEnvironment();
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
    };
    hooks.onRecord(record);
    return record;
  }
}
