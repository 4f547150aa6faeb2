import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { imageIdOfUlid, originalKey, quarantineKeyOf, variantKeyOf } from "@lambda-lab/shared";
import { encodeTime } from "ulid";
import { functionEnvironment, type LabStack, type LocalEndpoints } from "../config.js";
import type { InvocationRecord } from "../runtime/function-pool.js";
import type { LabFunction, LambdaRuntime, RuntimeOptions } from "../runtime/lambda-runtime.js";
import type { S3Port } from "../services/s3/port.js";

/**
 * The 15-minute-limit lesson, runnable: orphan-cleanup's real artifact over a generated bucket with a short
 * timeout, so each invocation stops before its deadline (the function checkpoints once less than
 * TIME_SAFETY_MARGIN_MS is left), leaves its checkpoint on the EFS stand-in, and the next invocation resumes
 * from it — until the run completes, as one unlimited invocation would have.
 *
 * Safe twice over. The demo has its own bucket (`<stack bucket>-checkpoint-demo`) and its own state folder
 * on the EFS stand-in (`.lab/efs/checkpoint-demo/`), so it never lists or resumes anything of the real
 * bucket or the real runs; every generated original is a real orphan (a fresh ULID no `images` row names),
 * four in five older than the grace period, one in five left inside it. And every run is a **dry run**: it
 * deletes nothing and reports what it would delete (its checkpoint is `run.dry-run.json`). A real run would
 * spend its time in s3rver's DeleteObjects (a few ms per key, seconds per batch of 1,000), whose flush at
 * the pause does not fit a short timeout's margin on a laptop; the listing, the merge with the database and
 * the checkpoint, which are the lesson, are the same in both.
 */

export const DEMO_FUNCTION_ID = "orphan-cleanup";
/** The generator's bounds: enough objects for several listing pages, few enough to write in seconds. */
export const MIN_OBJECTS = 1;
export const MAX_OBJECTS = 20_000;
/** Short enough to pause a run of a few thousand objects, long enough for a margin that fits a flush. */
export const MIN_TIMEOUT_SECONDS = 2;
/**
 * The demo's safety margin: half the timeout. Once low on time the function still writes its checkpoint,
 * its EFS report and its cleanup_runs row; on a loaded laptop that can take longer than the lab's usual
 * fifth of a two-second timeout, and a margin too small for it gets the invocation killed at its deadline
 * ("Task timed out") instead of paused.
 */
export const demoSafetyMarginMs = (timeoutSeconds: number) => Math.min(60_000, timeoutSeconds * 500);
/** Lambda's own maximum: a run at 900 s is the "unlimited" run the paused one must match. */
export const MAX_TIMEOUT_SECONDS = 900;
/** A run that never completes (a bug) must not loop forever. */
const MAX_INVOCATIONS = 500;
/** Every fifth original is left young: inside the grace period, so the cleanup must keep it. */
const YOUNG_EVERY = 5;
/** Every fourth has the three derived objects transform writes; every tenth a quarantine marker. */
const VARIANT_FILES = [
  ["manifest", "json"],
  ["medium", "webp"],
  ["thumb", "webp"],
] as const;
const PUT_CONCURRENCY = 32;
/** Generated ULIDs start here, a millisecond apart: the same keys for the same N on every generation. */
const BASE_TIME = Date.UTC(2025, 0, 1);
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** Image i's ULID: its time part i ms after BASE_TIME, its "random" part i itself, so keys sort by i. */
const ulidOf = (i: number): string => {
  let random = "";
  for (let value = i, k = 0; k < 16; k++, value = Math.floor(value / 32))
    random = CROCKFORD[value % 32] + random;
  return encodeTime(BASE_TIME + i, 10) + random;
};

export class CheckpointDemoError extends Error {
  override name = "CheckpointDemoError";
  constructor(
    message: string,
    readonly status: 400 | 409,
  ) {
    super(message);
  }
}

export interface CheckpointDemoDeps {
  stack: LabStack;
  /** The lab's own orphan-cleanup (artifact, runtime, memory): the demo runs that code, unchanged. */
  baseFunction: LabFunction;
  /** s3rver itself (not the IAM preflight's proxy: the deployed role has no grant on the demo bucket). */
  s3: Pick<S3Port, "endpoint" | "client" | "backdate">;
  databaseUrl: string;
  /** The EFS stand-in (`.lab/efs`). */
  efsDir: string;
  /** Starts a Lambda runtime with the demo function (the lab's own runtime, src/runtime/). */
  startRuntime: (options: RuntimeOptions) => Promise<LambdaRuntime>;
  /** Each demo invocation, for the lab's invocation list and the page's stream. */
  onInvocation?: (record: InvocationRecord) => void;
  now?: () => number;
}

export interface GeneratedBucket {
  bucket: string;
  objects: number;
  originals: number;
  derived: number;
  /** Originals older than the grace period: what a completed run deletes. */
  oldOrphans: number;
  /** Originals inside the grace period: what it must keep. */
  youngOrphans: number;
  gracePeriodHours: number;
  generatedInMs: number;
}

export interface DemoInvocation {
  n: number;
  requestId: string;
  cold: boolean;
  /** Lambda's outcome of the invocation (success even when the run paused). */
  invocationStatus: InvocationRecord["status"];
  /** The run's status after it: running (paused, resumes next time), completed, stopped, failed. */
  runStatus: string;
  paused: boolean;
  durationMs: number;
  /** Originals scanned by the run so far, and by this invocation. */
  scanned: number;
  scannedNow: number;
  /** Originals the dry run would delete so far. */
  wouldDelete: number;
  resumeAfter?: string;
  error?: string;
  /** The checkpoint file on the EFS stand-in after the invocation, as the next invocation reads it. */
  checkpoint: { path: string; content: string | null };
}

export interface DemoRun {
  bucket: string;
  timeoutSeconds: number;
  safetyMarginMs: number;
  invocations: DemoInvocation[];
  /** The run's last report (the function's response). */
  report: Record<string, unknown> | undefined;
  /** How many originals are left under uploads/ once the run ended. */
  remainingOriginals: number;
}

const demoBucketOf = (stack: LabStack) => `${stack.bucket}-checkpoint-demo`;

/** The state folder the demo function gets as STATE_DIR; the function keeps its files under orphan-cleanup/. */
export const demoStateDirOf = (efsDir: string) => join(efsDir, "checkpoint-demo");
export const checkpointPathOf = (efsDir: string) =>
  join(demoStateDirOf(efsDir), "orphan-cleanup", "run.dry-run.json");

/** The generated bucket's plan: keys are pure functions of i, so two generations of N are the same bucket. */
export const demoObjectsOf = (originals: number) =>
  Array.from({ length: originals }, (_, i) => {
    const id = ulidOf(i);
    const imageId = imageIdOfUlid(id);
    return {
      key: originalKey(id, "image/jpeg"),
      young: i % YOUNG_EVERY === YOUNG_EVERY - 1,
      derived:
        i % 10 === 3
          ? [quarantineKeyOf(imageId)]
          : i % 4 === 0
            ? VARIANT_FILES.map(([name, ext]) => variantKeyOf(imageId, name, ext))
            : [],
    };
  });

const wholeNumberIn = (value: unknown, name: string, min: number, max: number): number => {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    throw new CheckpointDemoError(
      `${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`,
      400,
    );
  return value;
};

/** Runs `work` over `items`, `concurrency` at a time. */
const eachLimited = async <T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
};

const isCode = (error: unknown, ...names: string[]) =>
  names.includes((error as { name?: string }).name ?? "");

export const createCheckpointDemo = (deps: CheckpointDemoDeps) => {
  const bucket = demoBucketOf(deps.stack);
  const now = deps.now ?? Date.now;
  const gracePeriodHours = deps.stack.config.orphanCleanup.gracePeriodHours;
  let busy: "generating" | "running" | undefined;
  let generated: GeneratedBucket | undefined;
  let lastRun: DemoRun | undefined;

  const exclusive = async <T>(what: "generating" | "running", work: () => Promise<T>): Promise<T> => {
    if (busy) throw new CheckpointDemoError(`the demo is ${busy}: wait for it to finish`, 409);
    busy = what;
    try {
      return await work();
    } finally {
      busy = undefined;
    }
  };

  const emptyBucket = async () => {
    try {
      await deps.s3.client.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (error) {
      if (!isCode(error, "BucketAlreadyOwnedByYou", "BucketAlreadyExists")) throw error;
    }
    for (;;) {
      const page = await deps.s3.client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length === 0) return;
      await deps.s3.client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    }
  };

  const readCheckpoint = async () => {
    const path = checkpointPathOf(deps.efsDir);
    const content = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw error;
    });
    return { path, content };
  };

  const remainingOriginals = async (): Promise<number> => {
    let count = 0;
    let token: string | undefined;
    do {
      const page = await deps.s3.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: "uploads/", ContinuationToken: token }),
      );
      count += page.KeyCount ?? page.Contents?.length ?? 0;
      token = page.NextContinuationToken;
    } while (token);
    return count;
  };

  /** The demo function: the lab's orphan-cleanup with the demo's bucket, state folder and timeout. */
  const demoFunction = (timeoutSeconds: number, originals: number): LabFunction => {
    const stack: LabStack = {
      ...deps.stack,
      bucket,
      config: {
        ...deps.stack.config,
        functions: {
          ...deps.stack.config.functions,
          [DEMO_FUNCTION_ID]: { ...deps.stack.config.functions[DEMO_FUNCTION_ID], timeoutSeconds },
        },
        // Always a dry run (see above), with the brake above the generated orphans: the lesson is the time
        // limit, not the brake (a dry run stops at maxDeletes too).
        orphanCleanup: {
          ...deps.stack.config.orphanCleanup,
          dryRun: true,
          maxDeletes: Math.max(deps.stack.config.orphanCleanup.maxDeletes, originals),
        },
      },
    };
    const local: LocalEndpoints = {
      s3Endpoint: deps.s3.endpoint,
      databaseUrl: deps.databaseUrl,
      slackWebhookUrl: "",
      stateDir: demoStateDirOf(deps.efsDir),
      labOrigins: [],
      uploadTokenSecret: "",
    };
    return {
      ...deps.baseFunction,
      timeoutSeconds,
      // Its environment written by the same function as the lab's own (config.ts), but for the margin.
      environment: {
        ...deps.baseFunction.environment,
        ...functionEnvironment(DEMO_FUNCTION_ID, stack, local),
        TIME_SAFETY_MARGIN_MS: String(demoSafetyMarginMs(timeoutSeconds)),
      },
      reservedConcurrency: 1,
      maxRetryAttempts: 0,
    };
  };

  return {
    bucket,
    async generate(body: { objects?: unknown }): Promise<GeneratedBucket> {
      const originals = wholeNumberIn(body.objects, "objects", MIN_OBJECTS, MAX_OBJECTS);
      return exclusive("generating", async () => {
        const started = performance.now();
        await emptyBucket();
        // A checkpoint of another bucket would resume past keys this one has: start clean.
        await rm(demoStateDirOf(deps.efsDir), { recursive: true, force: true });
        await mkdir(demoStateDirOf(deps.efsDir), { recursive: true });
        lastRun = undefined;
        const plan = demoObjectsOf(originals);
        const writes = plan.flatMap((o) => [o.key, ...o.derived]);
        await eachLimited(writes, PUT_CONCURRENCY, async (key) => {
          await deps.s3.client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: "x",
              ContentType: "application/octet-stream",
            }),
          );
        });
        // The old ones go an hour past the grace period (the S3 port's time travel: S3 itself has none).
        const old = new Date(now() - (gracePeriodHours + 1) * 3_600_000);
        await eachLimited(
          plan.filter((o) => !o.young),
          PUT_CONCURRENCY,
          (o) => deps.s3.backdate(o.key, old, { bucket }),
        );
        const young = plan.filter((o) => o.young).length;
        generated = {
          bucket,
          objects: writes.length,
          originals,
          derived: writes.length - originals,
          oldOrphans: originals - young,
          youngOrphans: young,
          gracePeriodHours,
          generatedInMs: Math.round(performance.now() - started),
        };
        return generated;
      });
    },

    async run(body: { timeoutSeconds?: unknown }): Promise<DemoRun> {
      const timeoutSeconds = wholeNumberIn(
        body.timeoutSeconds,
        "timeoutSeconds",
        MIN_TIMEOUT_SECONDS,
        MAX_TIMEOUT_SECONDS,
      );
      if (!generated) throw new CheckpointDemoError("generate the bucket first", 409);
      return exclusive("running", async () => {
        const fn = demoFunction(timeoutSeconds, generated?.originals ?? 0);
        const runtime = await deps.startRuntime({ functions: [fn], idleTimeoutMs: 60_000 });
        const invocations: DemoInvocation[] = [];
        let report: Record<string, unknown> | undefined;
        try {
          let scannedBefore = 0;
          for (let n = 1; n <= MAX_INVOCATIONS; n++) {
            const record = await runtime.invoke(DEMO_FUNCTION_ID, {}, { source: "checkpoint-demo" });
            deps.onInvocation?.(record);
            const body = JSON.parse(record.body) as Record<string, unknown>;
            report = record.status === "success" ? body : undefined;
            const scanned = typeof report?.scanned === "number" ? report.scanned : scannedBefore;
            const runStatus = typeof report?.status === "string" ? report.status : record.status;
            invocations.push({
              n,
              requestId: record.requestId,
              cold: record.cold,
              invocationStatus: record.status,
              runStatus,
              paused: runStatus === "running",
              durationMs: record.durationMs,
              scanned,
              scannedNow: scanned - scannedBefore,
              wouldDelete: typeof report?.orphans === "number" ? report.orphans : 0,
              ...(typeof report?.resumeAfter === "string" ? { resumeAfter: report.resumeAfter } : {}),
              ...(record.status !== "success"
                ? { error: String(body.errorMessage ?? body.errorType ?? record.status) }
                : {}),
              checkpoint: await readCheckpoint(),
            });
            scannedBefore = scanned;
            if (runStatus !== "running") break;
          }
        } finally {
          await runtime.stop();
        }
        lastRun = {
          bucket,
          timeoutSeconds,
          safetyMarginMs: Number(fn.environment.TIME_SAFETY_MARGIN_MS),
          invocations,
          report,
          remainingOriginals: await remainingOriginals(),
        };
        return lastRun;
      });
    },

    async state() {
      return {
        bucket,
        busy: busy ?? null,
        generated: generated ?? null,
        lastRun: lastRun ?? null,
        checkpoint: await readCheckpoint(),
      };
    },
  };
};

export type CheckpointDemo = ReturnType<typeof createCheckpointDemo>;
