import { EventEmitter } from "node:events";
import type { InvocationRecord } from "../runtime/function-pool.js";
import type { LambdaRuntime } from "../runtime/lambda-runtime.js";
import type { BatchRun, LabEvent } from "./types.js";

/** Bounded in memory: a lab that runs all day keeps the recent past, not all of it. */
const MAX_RECORDS = 500;
const MAX_HISTORY = 2_000;
const MAX_BATCH_RUNS = 100;

export interface EventBus {
  events: EventEmitter<{ event: [LabEvent] }>;
  emit(type: string, data: unknown): void;
}

/** Every lab event goes through one emitter: the page's stream and the recorder listen to it. */
export const createEventBus = (): EventBus => {
  const events = new EventEmitter<{ event: [LabEvent] }>();
  // One listener per open page (server-sent events) besides the lab's own.
  events.setMaxListeners(100);
  return { events, emit: (type, data) => events.emit("event", { type, at: Date.now(), data }) };
};

export interface Recorder {
  invocations(filter?: { functionId?: string; limit?: number }): InvocationRecord[];
  /** Every record kept, oldest first (the invocation detail route reads them). */
  all(): readonly InvocationRecord[];
  concurrencyHistory(): Record<string, { at: number; concurrent: number }[]>;
  batchRuns(): BatchRun[];
  /** A batch function's run becomes a batch report (scheduled runs are recorded by themselves). */
  recordBatch(record: InvocationRecord, trigger: BatchRun["trigger"], dryRun: boolean | undefined): BatchRun;
}

const parseResult = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
};

/**
 * What the page and the API show about the past: invocation records, each function's concurrency over
 * time and the batch functions' reports, fed by the runtime's events and forwarded onto the bus.
 */
export const createRecorder = (options: {
  runtime: Pick<LambdaRuntime, "events">;
  functionIds: readonly string[];
  /** Functions whose scheduled invocations are batch runs (the catalog's scheduled ones). */
  batchFunctionIds: readonly string[];
  bus: EventBus;
  functionLogs: boolean;
  log: (line: string) => void;
}): Recorder => {
  const { runtime, bus } = options;
  const records: InvocationRecord[] = [];
  const history: Record<string, { at: number; concurrent: number }[]> = Object.fromEntries(
    options.functionIds.map((id) => [id, []]),
  );
  const batchRuns: BatchRun[] = [];
  const recordBatch: Recorder["recordBatch"] = (record, trigger, dryRun) => {
    const run: BatchRun = {
      functionId: record.functionId,
      trigger,
      dryRun,
      requestId: record.requestId,
      startedAt: new Date(record.startedAt).toISOString(),
      status: record.status,
      durationMs: record.durationMs,
      result: parseResult(record.body),
    };
    batchRuns.push(run);
    if (batchRuns.length > MAX_BATCH_RUNS) batchRuns.shift();
    bus.emit("batch", run);
    return run;
  };

  runtime.events.on("start", (info) => bus.emit("invocation-start", info));
  runtime.events.on("invocation", (record) => {
    records.push(record);
    if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
    bus.emit("invocation", { ...record, logs: record.logs.slice(-50) });
    if (options.batchFunctionIds.includes(record.functionId) && record.source === "schedule")
      recordBatch(record, "schedule", undefined);
  });
  runtime.events.on("throttle", (t) => bus.emit("throttle", t));
  runtime.events.on("concurrency", (c) => {
    const points = history[c.functionId];
    if (points) {
      points.push({ at: c.at, concurrent: c.concurrent });
      if (points.length > MAX_HISTORY) points.splice(0, points.length - MAX_HISTORY);
    }
    bus.emit("concurrency", c);
  });
  runtime.events.on("worker", (w) => bus.emit("worker", w));
  runtime.events.on("debugger", (d) => bus.emit("debugger", d));
  runtime.events.on("log", (l) => {
    if (options.functionLogs) options.log(`[${l.functionId}] ${l.line}`);
    if (l.line.startsWith("REPORT ")) bus.emit("report", { functionId: l.functionId, line: l.line });
  });

  return {
    invocations: (filter = {}) =>
      records
        .filter((r) => !filter.functionId || r.functionId === filter.functionId)
        .slice(-(filter.limit ?? 100)),
    all: () => records,
    concurrencyHistory: () => history,
    batchRuns: () => [...batchRuns],
    recordBatch,
  };
};
