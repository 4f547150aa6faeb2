import { type InvocationRecord, TooManyRequestsError } from "../../src/runtime/function-pool.js";
import type { FunctionState } from "../../src/runtime/lambda-runtime.js";
import type { InvokeTarget } from "../../src/server/ports.js";

/** An invocation record as the runtime writes one, with the fields a test cares about overridden. */
export const invocationRecord = (over: Partial<InvocationRecord> = {}): InvocationRecord => ({
  requestId: "req-1",
  status: "success",
  body: '{"ok":true}',
  cold: false,
  initDurationMs: undefined,
  durationMs: 12.5,
  maxMemoryUsedMb: 70,
  logs: ["hello from the handler"],
  startedAt: 1_000,
  endedAt: 1_012,
  environmentId: "env-1",
  functionId: "upload",
  functionName: "lambda-lab-dev-upload",
  invocationType: "RequestResponse",
  source: "test",
  attempt: 1,
  memorySizeMb: 256,
  billedDurationMs: 13,
  report: "REPORT RequestId: req-1\tDuration: 12.50 ms\tBilled Duration: 13 ms",
  ...over,
});

export interface FakeCall {
  kind: "invoke" | "invokeAsync";
  functionId: string;
  payload: unknown;
  options: { source?: string; clientContext?: string } | undefined;
}

/**
 * The functions as the server sees them, without workers: each call is recorded; `answer` decides what a
 * synchronous invoke returns (a record, or a throw such as the runtime's 429).
 */
export const fakeFunctions = (
  ids: readonly string[] = ["upload", "orphan-cleanup", "daily-stats"],
  answer: (functionId: string, payload: unknown) => InvocationRecord = (functionId) =>
    invocationRecord({ functionId, functionName: `lambda-lab-dev-${functionId}` }),
): InvokeTarget & { calls: FakeCall[] } => {
  const calls: FakeCall[] = [];
  let nextAsync = 0;
  return {
    calls,
    functionIds: ids,
    has: (id) => ids.includes(id),
    functionName: (id) => `lambda-lab-dev-${id}`,
    invoke: async (functionId, payload, options) => {
      calls.push({ kind: "invoke", functionId, payload, options });
      return answer(functionId, payload);
    },
    invokeAsync: (functionId, payload, options) => {
      calls.push({ kind: "invokeAsync", functionId, payload, options });
      return `async-${++nextAsync}`;
    },
    state: () =>
      ids.map(
        (id): FunctionState => ({
          id,
          functionName: `lambda-lab-dev-${id}`,
          memorySizeMb: 256,
          timeoutSeconds: 10,
          reservedConcurrency: id === "upload" ? 5 : undefined,
          concurrencyLimit: id === "upload" ? 5 : 10,
          concurrent: 0,
          queued: 0,
          runtime: "nodejs24.x",
          nodeVersion: "v24.22.3",
          workers: [],
        }),
      ),
  };
};

/** A throttled invoke, as the runtime throws it over a reservation. */
export const throttled = (functionId: string): never => {
  throw new TooManyRequestsError(functionId, "ReservedFunctionConcurrentInvocationLimitExceeded");
};
