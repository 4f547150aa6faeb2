import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { camelId, failureQueueNameOf, ON_FAILURE_CONSUMERS, triggered } from "@lambda-lab/catalog";
import { LAB_ACCOUNT_ID, type LabStack } from "../config.js";
import type { DataLayout } from "../paths.js";
import type { LambdaRuntime } from "../runtime/lambda-runtime.js";
import { createAlarms } from "../services/alarms.js";
import { createOnFailureQueue } from "../services/on-failure-queue.js";
import type { LabPostgres } from "../services/postgres.js";
import { wireS3Triggers } from "../services/s3/triggers.js";
import type { LabS3 } from "../services/s3.js";
import { type Scheduler, scheduledInput, startScheduler } from "../services/scheduler.js";
import { createSlowQueryForwarder } from "../services/slow-query-forwarder.js";
import type { CleanupStack } from "./cleanup-stack.js";

/** The function every alarm, slow query and failed event is delivered to (the catalog's SQS consumer). */
const ALERTS_ID = ON_FAILURE_CONSUMERS[0] ?? "alerts";

export type Alarms = ReturnType<typeof createAlarms>;
export type OnFailureQueue = Awaited<ReturnType<typeof createOnFailureQueue>>;

export interface TriggerWiring {
  alarms: Alarms;
  onFailure: OnFailureQueue;
  scheduler: Scheduler | undefined;
  /** The Scheduler input a scheduled function gets for `time`, as the stack's schedule delivers it. */
  schedulePayload(functionId: string, time: Date): unknown;
}

/**
 * Everything that invokes a function without being asked to: the catalog's S3 triggers, the schedules, the
 * alarms (→ SNS → alerts), the slow-query log subscription (→ alerts) and the on-failure destination
 * (→ SQS → alerts), each as AWS delivers it. Also replays async events a previous run left queued and
 * saves the ones still queued at stop: Lambda never drops an accepted event, so neither does a restart.
 */
export const wireTriggers = async (options: {
  stack: LabStack;
  layout: DataLayout;
  runtime: LambdaRuntime;
  s3: Pick<LabS3, "onObjectCreated" | "onObjectRemoved">;
  postgres: Pick<LabPostgres, "onLogLine">;
  alarmPeriodMs: number;
  slowQueryBatchMs: number;
  schedules: boolean;
  cleanups: CleanupStack;
  emit: (type: string, data: unknown) => void;
}): Promise<TriggerWiring> => {
  const { stack, runtime, emit, cleanups } = options;
  // Unwound after every trigger below has stopped, while the runtime still holds the queue.
  cleanups.push("pending events", () => savePendingEvents(options.layout.pendingEvents, runtime));
  const toAlerts = (event: unknown, source: string) => {
    if (runtime.has(ALERTS_ID)) runtime.invokeAsync(ALERTS_ID, event, { source });
  };

  const alarms = createAlarms({
    functions: runtime.functionIds.map((id) => ({ id, functionName: stack.functionName(id) })),
    periodMs: options.alarmPeriodMs,
    region: stack.region,
    accountId: LAB_ACCOUNT_ID,
    publish: (event) => {
      emit("alarm", event);
      toAlerts(event, "cloudwatch-alarm");
    },
  });
  cleanups.push("alarms", () => alarms.stop());
  runtime.events.on("invocation", (record) => {
    if (record.status !== "success") alarms.record(record.functionId, "Errors");
  });
  runtime.events.on("throttle", (t) => alarms.record(t.functionId, "Throttles"));

  const onFailure = await createOnFailureQueue({
    file: options.layout.onFailure,
    region: stack.region,
    queueArn: (id) =>
      `arn:aws:sqs:${stack.region}:${LAB_ACCOUNT_ID}:${failureQueueNameOf(stack.functionName(id))}`,
    functionArn: (id) => stack.functionArn(id),
    alertsFunctionId: ALERTS_ID,
    deliver: (event) => toAlerts(event, "on-failure-queue"),
  });
  runtime.events.on("async-failure", (failure) => {
    void onFailure.add(failure).then((record) => emit("on-failure", record));
  });

  const forwarder = createSlowQueryForwarder({
    instanceId: stack.functionName("db"),
    accountId: LAB_ACCOUNT_ID,
    batchMs: options.slowQueryBatchMs,
    deliver: (event) => {
      emit("slow-query", { logGroup: forwarder.logGroup });
      runtime.invokeAsync(ALERTS_ID, event, { source: "cloudwatch-logs" });
    },
  });
  cleanups.push("slow-query forwarder", () => forwarder.stop());
  options.postgres.onLogLine((line) => forwarder.push(line));

  // The catalog's S3 triggers (the program's bucket notification is built from the same list): each
  // matching ObjectCreated → its function, asynchronously, as S3 invokes it; from the S3 port's records.
  wireS3Triggers(options.s3, {
    region: stack.region,
    emit,
    invokeAsync: (id, payload, invokeOptions) => runtime.invokeAsync(id, payload, invokeOptions),
  });

  const schedulePayload = (functionId: string, time: Date) =>
    scheduledInput({
      functionId,
      region: stack.region,
      accountId: LAB_ACCOUNT_ID,
      scheduleName: `${stack.functionName(functionId)}-schedule`,
      time,
    });
  const scheduler = options.schedules
    ? startScheduler(
        triggered("schedule").map(({ id }) => ({
          functionId: id,
          expression: stack.config[camelId(id)].schedule,
        })),
        stack.config.timeZone,
        (functionId, time) => {
          emit("schedule", { functionId, time: time.toISOString() });
          runtime.invokeAsync(functionId, schedulePayload(functionId, time), { source: "schedule" });
        },
      )
    : undefined;
  if (scheduler) cleanups.push("scheduler", () => scheduler.stop());

  await replayPendingEvents(options.layout.pendingEvents, runtime);
  return { alarms, onFailure, scheduler, schedulePayload };
};

type PendingEvents = Record<string, { payload: string; source: string }[]>;

const replayPendingEvents = async (file: string, runtime: LambdaRuntime) => {
  if (!existsSync(file)) return;
  const pending = JSON.parse(await readFile(file, "utf8")) as PendingEvents;
  for (const [functionId, list] of Object.entries(pending))
    if (runtime.has(functionId))
      for (const event of list) runtime.invokeAsync(functionId, event.payload, { source: event.source });
  await rm(file, { force: true });
};

const savePendingEvents = async (file: string, runtime: LambdaRuntime) => {
  const pending = Object.fromEntries(
    Object.entries(runtime.pendingEvents()).filter(([, list]) => list.length > 0),
  );
  if (Object.keys(pending).length > 0) await writeFile(file, JSON.stringify(pending));
};
