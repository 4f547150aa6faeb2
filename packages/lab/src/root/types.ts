import type { EventEmitter } from "node:events";
import type { NodeRuntime } from "@lambda-lab/artifact";
import type { ScheduledFunctionId } from "@lambda-lab/catalog";
import type pg from "pg";
import type { FunctionId, LabStack } from "../config.js";
import type { BurstCost, CostSnapshot } from "../cost/invocation-costs.js";
import type { HotReload } from "../hot-reload.js";
import type { LabIam } from "../iam/lab-iam.js";
import type { IamMode } from "../iam/preflight.js";
import type { RetryClockOption } from "../retries/lab-retries.js";
import type { InvocationRecord } from "../runtime/function-pool.js";
import type { LambdaRuntime } from "../runtime/lambda-runtime.js";
import type { BackdateResult } from "../services/backdate-upload.js";
import type { FailureRecord } from "../services/on-failure-queue.js";
import type { LabPostgres } from "../services/postgres.js";
import type { LabS3 } from "../services/s3.js";
import type { Scheduler } from "../services/scheduler.js";
import type { SlackSink } from "../services/slack-sink.js";
import type { listUploads } from "../services/uploads.js";

/** The lab's public shapes: its options, what `startLab` returns, and what the page streams. */

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
  /** Lambda's async retry waits (1 and 2 minutes), real by default or fast-forwarded (src/retries/). */
  retryClock?: RetryClockOption;
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

/** The batch functions: the catalog's scheduled ones (their runs are reports). */
export type BatchFunctionId = ScheduledFunctionId;

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
  runNow(functionId: BatchFunctionId, options?: { dryRun?: boolean; date?: string }): Promise<BatchRun>;
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
