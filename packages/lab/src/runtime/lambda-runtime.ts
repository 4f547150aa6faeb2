import { EventEmitter } from "node:events";
import { nodeBinary } from "@lambda-lab/artifact";
import type { FunctionRuntimeConfig } from "./environment.js";
import {
  type AsyncFailure,
  ConcurrencyLimit,
  FunctionPool,
  type InvocationRecord,
  type InvocationStarted,
  type InvocationType,
  type InvokeOptions,
  type RetryScheduler,
} from "./function-pool.js";
import { startRuntimeApi } from "./runtime-api.js";

export type { InvocationStarted };

export interface LabFunction extends FunctionRuntimeConfig {
  /** Reserved concurrency; undefined shares the account's unreserved pool. */
  reservedConcurrency?: number | undefined;
  /** Async retries after the first failure (Lambda's default and maximum: 2). */
  maxRetryAttempts?: number | undefined;
}

export interface RuntimeOptions {
  functions: readonly LabFunction[];
  /** The account's concurrency for functions without a reservation (a new AWS account has 10). */
  unreservedConcurrency?: number;
  idleTimeoutMs?: number;
  retryDelaysMs?: readonly number[];
  /** Lambda's retry waits, real or fast-forwarded (src/retries/retry-clock.ts); replaces retryDelaysMs. */
  retryClock?: RetryScheduler;
  /**
   * `pnpm dev --inspect <function>`: that function's environments open the Node inspector on `port`, one
   * at a time (its concurrency becomes 1) and kept started, and a debugger pause stops its clocks.
   */
  inspect?: { functionId: string; port: number };
}

export interface RuntimeEvents {
  start: [InvocationStarted];
  invocation: [InvocationRecord];
  throttle: [{ functionId: string; invocationType: InvocationType; at: number }];
  concurrency: [{ functionId: string; concurrent: number; limit: number; at: number }];
  "async-failure": [AsyncFailure];
  log: [{ functionId: string; line: string; requestId: string | undefined; environmentId: string }];
  worker: [{ functionId: string; environmentId: string; event: "spawned" | "recycled" | "stopped" }];
  debugger: [{ functionId: string; environmentId: string; state: "paused" | "resumed"; at: number }];
}

export interface FunctionState {
  id: string;
  functionName: string;
  memorySizeMb: number;
  timeoutSeconds: number;
  reservedConcurrency: number | undefined;
  concurrencyLimit: number;
  concurrent: number;
  queued: number;
  /** Lambda's runtime identifier and the exact Node.js its environments run. */
  runtime: string;
  nodeVersion: string;
  /** Set for the function started with `--inspect`: where to attach, and whether it is paused now. */
  inspector?: { port: number; paused: boolean } | undefined;
  workers: {
    id: string;
    state: string;
    pid: number | undefined;
    invocations: number;
    lastUsedAt: number;
    pausedInDebugger: boolean;
  }[];
}

export class UnknownFunctionError extends Error {
  override name = "ResourceNotFoundException";
  readonly statusCode = 404;
  constructor(functionId: string, known: readonly string[]) {
    super(`Function not found: ${functionId} (the lab has ${known.join(", ")})`);
  }
}

export interface LambdaRuntime {
  readonly events: EventEmitter<RuntimeEvents>;
  readonly functionIds: string[];
  has(functionId: string): boolean;
  /** RequestResponse; throws TooManyRequestsError over the concurrency limit. */
  invoke(functionId: string, payload: unknown, options?: InvokeOptions): Promise<InvocationRecord>;
  /** Event; returns the request id at once. */
  invokeAsync(functionId: string, payload: unknown, options?: InvokeOptions): string;
  state(): FunctionState[];
  /**
   * A hot reload swapped the function's artifact: stop its idle environments, and its busy ones once they
   * finish. Resolves when no environment runs the old code any more.
   */
  retire(functionId: string): Promise<void>;
  /**
   * A hot reload is rebuilding: boot the function's next environment (Node.js, the bootstrap) now, parked
   * before its import, for the cold start after the swap. Its Init Duration still counts that boot.
   */
  prepareColdStart(functionId: string): void;
  pendingEvents(): Record<string, { requestId: string; payload: string; source: string }[]>;
  stop(): Promise<void>;
}

const DEFAULTS = { unreservedConcurrency: 10, idleTimeoutMs: 5 * 60_000, retryDelaysMs: [1_000, 2_000] };

/**
 * The lab's Lambda service: one pool of worker environments per function behind one runtime API, with
 * reserved concurrency, throttling, async queues and retries.
 */
export const startLambdaRuntime = async (options: RuntimeOptions): Promise<LambdaRuntime> => {
  const runtimeApi = await startRuntimeApi();
  const events = new EventEmitter<RuntimeEvents>();
  const shared = new ConcurrencyLimit(options.unreservedConcurrency ?? DEFAULTS.unreservedConcurrency, false);
  const pools = new Map<string, FunctionPool>();
  if (options.inspect && !options.functions.some((f) => f.id === options.inspect?.functionId))
    throw new UnknownFunctionError(
      options.inspect.functionId,
      options.functions.map((f) => f.id),
    );
  for (const fn of options.functions) {
    // Fails here, naming the runtime, when its binary is not installed: before any port or worker.
    const binary = nodeBinary(fn.runtime);
    const inspectPort = options.inspect?.functionId === fn.id ? options.inspect.port : undefined;
    const limit =
      inspectPort !== undefined
        ? new ConcurrencyLimit(1, true)
        : fn.reservedConcurrency !== undefined
          ? new ConcurrencyLimit(fn.reservedConcurrency, true)
          : shared;
    const pool: FunctionPool = new FunctionPool({
      config: fn,
      limit,
      runtimeApi,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
      retryDelaysMs: options.retryDelaysMs ?? DEFAULTS.retryDelaysMs,
      retryClock: options.retryClock,
      maxRetryAttempts: Math.min(2, Math.max(0, fn.maxRetryAttempts ?? 2)),
      hooks: {
        onStart: (info) => events.emit("start", info),
        onRecord: (record) => events.emit("invocation", record),
        onThrottle: (functionId, invocationType) =>
          events.emit("throttle", { functionId, invocationType, at: Date.now() }),
        onConcurrency: (functionId, concurrent) =>
          events.emit("concurrency", { functionId, concurrent, limit: limit.limit, at: Date.now() }),
        onAsyncFailure: (failure) => events.emit("async-failure", failure),
        onLine: (functionId, line, requestId, environmentId) =>
          events.emit("log", { functionId, line, requestId, environmentId }),
        onWorker: (functionId, environmentId, event) =>
          events.emit("worker", { functionId, environmentId, event }),
        onDebugger: (functionId, environmentId, state) =>
          events.emit("debugger", { functionId, environmentId, state, at: Date.now() }),
      },
      launch: { execPath: binary.path, nodeVersion: binary.version, inspectPort },
    });
    pools.set(fn.id, pool);
  }
  const poolOf = (functionId: string): FunctionPool => {
    const pool = pools.get(functionId);
    if (!pool) throw new UnknownFunctionError(functionId, [...pools.keys()]);
    return pool;
  };
  const serialise = (payload: unknown) =>
    typeof payload === "string" ? payload : JSON.stringify(payload ?? null);
  return {
    events,
    functionIds: [...pools.keys()],
    has: (functionId) => pools.has(functionId),
    invoke: (functionId, payload, invokeOptions) =>
      poolOf(functionId).invoke(serialise(payload), invokeOptions),
    invokeAsync: (functionId, payload, invokeOptions) =>
      poolOf(functionId).invokeAsync(serialise(payload), invokeOptions),
    state: () =>
      [...pools.values()].map((pool) => ({
        id: pool.id,
        functionName: pool.config.functionName,
        memorySizeMb: pool.config.memorySizeMb,
        timeoutSeconds: pool.config.timeoutSeconds,
        reservedConcurrency: pool.limit.reserved ? pool.limit.limit : undefined,
        concurrencyLimit: pool.limit.limit,
        concurrent: pool.concurrent,
        queued: pool.queued,
        runtime: pool.config.runtime,
        nodeVersion: pool.launch.nodeVersion,
        inspector:
          pool.launch.inspectPort !== undefined
            ? {
                port: pool.launch.inspectPort,
                paused: [...pool.environments].some((env) => env.debuggerPaused),
              }
            : undefined,
        workers: [...pool.environments].map((env) => ({
          id: env.id,
          state: env.state,
          pid: env.pid,
          invocations: env.invocations,
          lastUsedAt: env.lastUsedAt,
          pausedInDebugger: env.debuggerPaused,
        })),
      })),
    retire: (functionId) => poolOf(functionId).retire(),
    prepareColdStart: (functionId) => poolOf(functionId).prepareColdStart(),
    pendingEvents: () => Object.fromEntries([...pools].map(([id, pool]) => [id, pool.pendingEvents()])),
    async stop() {
      const exits = [...pools.values()].flatMap((pool) =>
        [...pool.environments].map((env) => new Promise<void>((resolve) => env.onceExited(resolve))),
      );
      for (const pool of pools.values()) pool.stop();
      await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 2_000))]);
      await runtimeApi.close();
    },
  };
};
