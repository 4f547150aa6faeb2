import { rm, writeFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { triggered } from "@lambda-lab/catalog";
import { artifactDir } from "./artifacts.js";
import { loadStack } from "./config.js";
import { createCostMeter } from "./cost/invocation-costs.js";
import { findRepoRoot } from "./paths.js";
import { prepareRetries } from "./retries/lab-retries.js";
import { planArtifacts } from "./root/artifact-plan.js";
import { createCleanupStack } from "./root/cleanup-stack.js";
import { prepareDataDir } from "./root/data-dir.js";
import { doorHandlers } from "./root/doors.js";
import { bindFrontDoors } from "./root/front-doors.js";
import { labFunctions, localEndpoints } from "./root/function-list.js";
import { createOperations } from "./root/operations.js";
import { labReads, labUrls } from "./root/queries.js";
import { createEventBus, createRecorder } from "./root/recorder.js";
import { startRuntime } from "./root/runtime-step.js";
import { startServices } from "./root/services.js";
import { stateSnapshot } from "./root/state-snapshot.js";
import { wireTriggers } from "./root/trigger-wiring.js";
import { DEFAULT_PORTS, type Lab, type LabOptions } from "./root/types.js";
import { createThrottleLog } from "./server/throttle-log.js";
import { traceRoute } from "./server/trace-route.js";
import { DEFAULT_ALARM_PERIOD_MS } from "./services/alarms.js";
import { seedLab } from "./services/demo-data.js";
import { createSlackSink } from "./services/slack-sink.js";
import { wireTracer } from "./trace/wire.js";

export { redactSecrets } from "./root/data-dir.js";
export { SAMPLE_EVENTS, samplePayload } from "./root/sample-events.js";
export * from "./root/types.js";

/**
 * The lab's composition root: the whole environment from the stack's config, one step per module under
 * src/root/, resolved once every URL answers. Each step registers how to undo itself, so a failed start
 * leaves nothing behind and `stop()` unwinds the same steps, newest first.
 */
export const startLab = async (options: LabOptions = {}): Promise<Lab> => {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const emit = (type: string, data: unknown) => bus.emit(type, data);
  const repoRoot = options.repoRoot ?? findRepoRoot();
  const stack = loadStack(options.stack ?? "dev", repoRoot);
  for (const warning of stack.warnings) log(`warning: ${warning}`);
  const plan = planArtifacts({
    repoRoot,
    stack,
    build: options.build ?? "auto",
    watch: !!options.watch,
    log,
  });
  const dataDir = options.dataDir ?? `${repoRoot}/.lab`;
  const { layout, secrets } = await prepareDataDir(dataDir);
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const bus = createEventBus();
  const cleanups = createCleanupStack();
  try {
    const doors = await bindFrontDoors(ports, log);
    cleanups.push("front doors", () => doors.close());
    const corsOrigins = [...new Set([...stack.config.upload.corsAllowedOrigins, ...doors.labOrigins])];
    const iamMode = options.iam ?? "warn";
    const { s3, postgres, pool, iam } = await startServices({
      ...{ stack, layout, ports, corsOrigins, iamMode, cleanups, log, emit },
    });
    await plan.building;
    const retries = await prepareRetries({ dataDir, clock: options.retryClock });
    cleanups.push("retry clock", () => retries.clock.stop());
    const extras = [...(options.extraFunctions ?? []), retries.demoFunction];
    const local = localEndpoints({ iam, postgres, doors, layout, secrets });
    const functions = labFunctions({ repoRoot, stack, plan, overrides: options.functions, extras, local });
    // Before anything runs: the event-path trace follows the bus from the first event.
    const tracer = wireTracer({ events: bus.events, functions });
    const { runtime, hotReload, inspector } = await startRuntime({
      ...{ repoRoot, stack, plan, functions, cleanups, log, emit, inspect: options.inspect },
      extras,
      idleTimeoutMs: options.idleTimeoutMs ?? 5 * 60_000,
      retryClock: retries.clock,
      watch: !!options.watch,
    });
    const throttleLog = createThrottleLog(runtime.events);
    iam.track(runtime.events);
    const recorder = createRecorder({
      ...{ runtime, bus, log, functionIds: runtime.functionIds, functionLogs: !!options.functionLogs },
      batchFunctionIds: triggered("schedule").map((t) => t.id),
    });
    const costMeter = createCostMeter({ region: stack.region, architecture: stack.config.architecture });
    runtime.events.on("invocation", (record) => costMeter.record(record));
    const triggers = await wireTriggers({
      ...{ stack, layout, runtime, s3, postgres, cleanups, emit },
      alarmPeriodMs: options.alarmPeriodMs ?? DEFAULT_ALARM_PERIOD_MS,
      slowQueryBatchMs: options.slowQueryBatchMs ?? 1_000,
      schedules: options.schedules !== false,
    });
    const slack = await createSlackSink(layout.slack);
    slack.onMessage((message) => emit("slack", message));
    const operations = createOperations({ runtime, recorder, costMeter, stack, s3, emit });
    const demo = await seedLab({ pool, s3 }, options.demoData !== false);

    const urls = labUrls(doors, s3, stack.bucket, postgres.url);
    const reads = labReads({ recorder, triggers, s3, pool, stack, costMeter, iam });
    const state = stateSnapshot({
      ...{ stack, plan, urls, functions, runtime, triggers, slack, iam, hotReload, inspector, demo },
      throttles: () => throttleLog.snapshot(),
    });
    let stopping: Promise<void> | undefined;
    const lab: Lab = {
      ...{ urls, stack, dataDir, runtime, s3, postgres, pool, slack, hotReload, inspector, state },
      ...reads,
      ...operations,
      events: bus.events,
      scheduler: triggers.scheduler,
      readyInMs: 0,
      stop: () => {
        stopping ??= cleanups.unwind((step, error) => log(`stopping ${step}: ${(error as Error).message}`));
        return stopping;
      },
    };
    const handlers = await doorHandlers({
      ...{ repoRoot, stack, runtime, pool, slack, secrets, recorder, emit, functions, retries },
      s3Client: s3.client,
      onFailure: triggers.onFailure,
      routes: [traceRoute(tracer)],
      labOrigins: doors.labOrigins,
      artifactDir: (id) => artifactDir(repoRoot, id, plan.arch),
      checkpointDemo: { s3, databaseUrl: postgres.url, efsDir: layout.efs },
      server: {
        events: bus.events,
        actions: operations,
        queries: { ...reads, state, urls, stackName: stack.config.stack },
      },
    });
    doors.open(handlers);
    lab.readyInMs = performance.now() - started;
    const running = { pid: process.pid, urls, startedAt: new Date().toISOString() };
    await writeFile(layout.running, JSON.stringify(running, null, 2));
    cleanups.push("running file", () => rm(layout.running, { force: true }));
    return lab;
  } catch (error) {
    await cleanups.unwind();
    throw error;
  }
};
