import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactDir } from "../../src/artifacts.js";
import { loadStack, machineArch } from "../../src/config.js";
import {
  type CheckpointDemo,
  checkpointPathOf,
  createCheckpointDemo,
  type DemoRun,
} from "../../src/lessons/checkpoint-demo.js";
import { findRepoRoot } from "../../src/paths.js";
import type { LabFunction } from "../../src/runtime/lambda-runtime.js";
import { startLambdaRuntime } from "../../src/runtime/lambda-runtime.js";
import { type LabPostgres, startLabPostgres } from "../../src/services/postgres.js";
import type { S3Port } from "../../src/services/s3/port.js";
import { startS3rverPort } from "../../src/services/s3/s3rver.js";

/**
 * The 15-minute-limit demo against the real pieces: orphan-cleanup's built artifact in the lab's Lambda
 * runtime, s3rver, PostgreSQL 17 migrated, the EFS stand-in a folder. A run cut by a short timeout pauses,
 * leaves its checkpoint, resumes, and ends as a run with Lambda's longest timeout does over the same bucket.
 */

const REPO = findRepoRoot();
const stack = loadStack("dev", REPO);
/** Enough originals for several listing pages (1,000 keys each) and thousands of deletes. */
// Enough that no machine lists them, checks each against the database and checkpoints within the second a 2 s
// timeout leaves (3,000 once fit on a quiet machine, and the run never paused).
const OBJECTS = 8_000;
const SHORT_TIMEOUT_S = 2;

let dataDir: string;
let s3: S3Port;
let postgres: LabPostgres;
let demo: CheckpointDemo;

const baseFunction = (): LabFunction => ({
  id: "orphan-cleanup",
  functionName: stack.functionName("orphan-cleanup"),
  arn: stack.functionArn("orphan-cleanup"),
  codeDir: artifactDir(REPO, "orphan-cleanup", machineArch()),
  handler: "index.handler",
  memorySizeMb: stack.config.functions["orphan-cleanup"].memoryMb,
  timeoutSeconds: stack.config.functions["orphan-cleanup"].timeoutSeconds,
  runtime: stack.config.lambdaRuntime,
  region: stack.region,
  environment: {},
});

const keysUnder = async (bucket: string, prefix: string) => {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
};

/** A report's figures, without what differs from run to run (ids, times, invocation count). */
const figures = (run: DemoRun) => {
  const { runId, startedAt, finishedAt, durationMs, activeMs, invocations, cutoff, ...rest } =
    run.report ?? {};
  return rest;
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "lab-checkpoint-"));
  chmodSync(dataDir, 0o755);
  [s3, postgres] = await Promise.all([
    startS3rverPort({ directory: join(dataDir, "s3"), bucket: stack.bucket, port: 0 }),
    startLabPostgres({ directory: join(dataDir, "postgres"), port: 0, database: "lab", slowQueryMs: 10_000 }),
  ]);
  demo = createCheckpointDemo({
    stack,
    baseFunction: baseFunction(),
    s3,
    databaseUrl: postgres.url,
    efsDir: join(dataDir, "efs"),
    startRuntime: startLambdaRuntime,
  });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([s3?.stop(), postgres?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the checkpoint demo (dry runs over generated orphans)", () => {
  let paused: DemoRun;
  let unlimited: DemoRun;
  let afterPaused: string[];

  it("pauses a short-timeout run, checkpoints on the EFS stand-in and resumes until it completes", async () => {
    // A real upload in the stack's own bucket: the demo must never see it.
    await s3.client.send(
      new PutObjectCommand({ Bucket: stack.bucket, Key: "uploads/2020/01/01/real.jpg", Body: "x" }),
    );
    const generated = await demo.generate({ objects: OBJECTS });
    expect(generated).toMatchObject({
      originals: OBJECTS,
      oldOrphans: OBJECTS * 0.8,
      youngOrphans: OBJECTS * 0.2,
    });

    paused = await demo.run({ timeoutSeconds: SHORT_TIMEOUT_S });
    afterPaused = await keysUnder(demo.bucket, "");
    const steps = paused.invocations;
    expect(steps.length).toBeGreaterThan(1);
    for (const step of steps.slice(0, -1)) {
      // Paused, not timed out: Lambda saw a success, the run said "running" and where it resumes.
      expect(step).toMatchObject({ invocationStatus: "success", runStatus: "running", paused: true });
      expect(step.resumeAfter).toMatch(/^uploads\//);
      expect(step.checkpoint.path).toBe(checkpointPathOf(join(dataDir, "efs")));
      const checkpoint = JSON.parse(step.checkpoint.content ?? "null");
      expect(checkpoint.lastKey).toBe(step.resumeAfter);
    }
    for (const [i, step] of steps.entries()) if (i > 0) expect(step.cold).toBe(false);
    expect(steps.at(-1)).toMatchObject({
      invocationStatus: "success",
      runStatus: "completed",
      paused: false,
    });
    expect(steps.at(-1)!.scanned).toBe(OBJECTS);
    // A dry run: what it would delete is counted, and nothing is deleted.
    expect(paused.report).toMatchObject({
      status: "completed",
      dryRun: true,
      orphans: OBJECTS * 0.8,
      tooYoung: OBJECTS * 0.2,
      deleted: 0,
    });
    expect(paused.remainingOriginals).toBe(OBJECTS);
    // The stack's bucket is untouched.
    const real = await s3.client.send(
      new GetObjectCommand({ Bucket: stack.bucket, Key: "uploads/2020/01/01/real.jpg" }),
    );
    expect(real.$metadata.httpStatusCode).toBe(200);
  }, 300_000);

  it("ends as one unlimited run over the same generated bucket does", async () => {
    unlimited = await demo.run({ timeoutSeconds: 900 });
    expect(unlimited.invocations).toHaveLength(1);
    expect(figures(paused)).toEqual(figures(unlimited));
    expect(await keysUnder(demo.bucket, "")).toEqual(afterPaused);
  }, 300_000);

  it("refuses a timeout or size out of range, and a run before any bucket, naming the field", async () => {
    await expect(demo.run({ timeoutSeconds: 0 })).rejects.toThrow(
      /timeoutSeconds must be a whole number from 2 to 900/,
    );
    await expect(demo.generate({ objects: "many" })).rejects.toThrow(/objects must be a whole number/);
    const fresh = createCheckpointDemo({
      stack,
      baseFunction: baseFunction(),
      s3,
      databaseUrl: postgres.url,
      efsDir: join(dataDir, "efs"),
      startRuntime: startLambdaRuntime,
    });
    await expect(fresh.run({ timeoutSeconds: 5 })).rejects.toThrow(/generate the bucket first/);
  });
});
