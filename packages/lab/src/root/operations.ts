import { PREFIXES } from "@lambda-lab/shared";
import type { LabStack } from "../config.js";
import type { createCostMeter } from "../cost/invocation-costs.js";
import { TooManyRequestsError } from "../runtime/function-pool.js";
import type { LambdaRuntime } from "../runtime/lambda-runtime.js";
import { type BackdateResult, backdateUpload } from "../services/backdate-upload.js";
import type { S3Port } from "../services/s3.js";
import type { Recorder } from "./recorder.js";
import type { BatchFunctionId, BatchRun, BurstResult } from "./types.js";

export interface LabOperations {
  /** N synchronous invokes at once; over the concurrency limit exactly the excess is throttled. */
  burst(functionId: string, count: number, payload: unknown): Promise<BurstResult>;
  /** A batch function now, as the page's "run now" does (its own payload, not the schedule's). */
  runNow(functionId: BatchFunctionId, options?: { dryRun?: boolean; date?: string }): Promise<BatchRun>;
  /** Backdates an original by `hours` (never makes it younger); says what it did. */
  ageUpload(key: string, hours: number): Promise<BackdateResult>;
}

/** What the page and the API can make the lab do, over the runtime, the recorder and the local S3. */
export const createOperations = (deps: {
  runtime: LambdaRuntime;
  recorder: Pick<Recorder, "recordBatch">;
  costMeter: ReturnType<typeof createCostMeter>;
  stack: LabStack;
  /** The local S3: "Make it N h old" reads Last-Modified through its client and sets it with `backdate`. */
  s3: Pick<S3Port, "client" | "bucket" | "backdate">;
  emit: (type: string, data: unknown) => void;
}): LabOperations => {
  const { runtime, emit } = deps;
  return {
    burst: async (functionId, count, payload) => {
      const limit = runtime.state().find((f) => f.id === functionId)?.concurrencyLimit ?? 0;
      // Started in one synchronous loop: each takes a slot or is refused before any can finish.
      const outcomes = await Promise.allSettled(
        Array.from({ length: count }, () => runtime.invoke(functionId, payload, { source: "burst" })),
      );
      const done = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
      const result: BurstResult = {
        functionId,
        count,
        limit,
        ok: done.filter((r) => r.status === "success").length,
        failed: done.filter((r) => r.status !== "success").length,
        throttled: outcomes.filter((o) => o.status === "rejected" && o.reason instanceof TooManyRequestsError)
          .length,
        cold: done.filter((r) => r.cold).length,
        durationsMs: done.map((r) => Math.round(r.durationMs * 100) / 100),
        cost: deps.costMeter.price(done),
      };
      emit("burst", result);
      return result;
    },
    runNow: async (functionId, options = {}) => {
      const orphanCleanup = functionId === "orphan-cleanup";
      const payload = orphanCleanup
        ? options.dryRun === undefined
          ? {}
          : { dryRun: options.dryRun }
        : options.date
          ? { date: options.date }
          : {};
      const record = await runtime.invoke(functionId, payload, { source: "run-now" });
      // What the run did: an explicit choice, else the stack's default (the function's DRY_RUN).
      const dryRun = orphanCleanup ? (options.dryRun ?? deps.stack.config.orphanCleanup.dryRun) : undefined;
      return deps.recorder.recordBatch(record, "run-now", dryRun);
    },
    ageUpload: async (key, hours) => {
      if (!key.startsWith(PREFIXES.uploads))
        throw new Error(`only originals under ${PREFIXES.uploads} can be aged`);
      const result = await backdateUpload({ s3: deps.s3, key, hours });
      emit("s3", { eventName: "Lab:Aged", key });
      return result;
    },
  };
};
