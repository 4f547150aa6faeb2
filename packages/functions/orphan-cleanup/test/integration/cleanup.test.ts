import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type LocalPostgres, startLocalPostgres } from "@lambda-lab/db/testing";
import { type LocalS3, startLocalS3 } from "@lambda-lab/shared/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CleanupRunFailedError } from "../../src/cleanup.js";
import { compareKeys } from "../../src/key-order.js";
import { type CleanupDb, createPgCleanupDb } from "../../src/pg-cleanup-db.js";
import type { CleanupReport } from "../../src/report.js";
import { dateIn } from "../../src/report.js";
import { type Dataset, makeDataset, survivorsOf } from "../support/dataset.js";
import { allKeys, fakeContext, tempStateRoot } from "../support/fakes.js";
import {
  deletesAfterFailure,
  faultyStore,
  type Operation,
  recordingRefs,
  type StoreFaults,
} from "../support/faults.js";
import { makeTestHandler, runToEnd } from "../support/harness.js";
import { insertReferences, migrated, query, seedWithBoundary } from "../support/services.js";

let db: LocalPostgres;
const started: LocalS3[] = [];
const pools: CleanupDb[] = [];

beforeAll(async () => {
  db = await startLocalPostgres();
  await migrated(db.url);
}, 60_000);

afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
  for (const s3 of started.splice(0)) await s3.stop();
  await query(db.url, "truncate images, cleanup_runs");
});

afterAll(async () => {
  await db?.stop();
});

const setup = async (
  count: number,
  seed: number,
  options: { faults?: StoreFaults; pageSize?: number; dataset?: Dataset } = {},
) => {
  const dataset = options.dataset ?? makeDataset(count, new Date(), seed);
  const s3 = await startLocalS3();
  started.push(s3);
  const { store: real, now } = await seedWithBoundary(s3, dataset);
  await insertReferences(db.url, dataset.referencedKeys);
  const pgDb = createPgCleanupDb(async () => ({ connectionString: db.url }));
  pools.push(pgDb);
  const timeline: Operation[] = [];
  const stateRoot = await tempStateRoot();
  const { handler } = makeTestHandler({
    store: faultyStore(real, options.faults ?? {}, timeline),
    refs: recordingRefs(pgDb, timeline),
    ledger: pgDb,
    stateRoot,
    now,
    pageSize: options.pageSize ?? 25,
  });
  const bucketKeys = async () => (await allKeys(real)).filter((key) => !key.startsWith("reports/"));
  return { dataset, real, now, handler, timeline, stateRoot, bucketKeys };
};

const runRow = async (runId: string) =>
  (
    await query<{
      status: string;
      dry_run: boolean;
      scanned: number;
      deleted: number;
      finished_at: Date | null;
      report: CleanupReport;
    }>(
      db.url,
      "select status, dry_run, scanned, deleted, finished_at, report from cleanup_runs where run_id = $1",
      [runId],
    )
  )[0];

describe("orphan cleanup against s3rver and PostgreSQL", () => {
  it("deletes the orphans and their derived objects, and records the run in S3, EFS and cleanup_runs", async () => {
    // Prepare
    const { dataset, real, now, handler, stateRoot, bucketKeys } = await setup(120, 1);

    // Act
    const report = await handler({}, fakeContext());

    // Assess
    expect(await bucketKeys()).toEqual(survivorsOf(dataset).sort(compareKeys));
    expect(report).toMatchObject({
      status: "completed",
      scanned: 123,
      referenced: dataset.referencedKeys.length,
      unmanaged: 3,
      deleted: dataset.orphans.length,
      derivedDeleted: dataset.orphans.reduce((n, image) => n + image.derived.length, 0),
      errors: 0,
    });
    expect(report.tooYoung).toBeGreaterThan(0);
    const row = await runRow(report.runId);
    expect(row).toMatchObject({
      status: "completed",
      dry_run: false,
      scanned: 123,
      deleted: dataset.orphans.length,
    });
    expect(row?.finished_at).toEqual(now());
    expect(row?.report).toEqual(report);
    const s3Report = await real.get(`reports/cleanup/${dateIn(now(), "Asia/Seoul")}.json`);
    expect(JSON.parse(s3Report!.body.toString())).toEqual(report);
    const efs = await readFile(join(stateRoot, "orphan-cleanup", "reports", `${report.runId}.json`), "utf8");
    expect(JSON.parse(efs)).toEqual(report);
  }, 60_000);

  it("leaves keys that merely share a derived key's prefix, in s3rver's own listing order", async () => {
    // Prepare: s3rver lists `K-old` and `K/x` before `K` (a directory per "/"), S3 after it.
    const { dataset, real, handler, bucketKeys } = await setup(60, 5);
    const lookAlikes = dataset.orphans.slice(0, 3).flatMap((orphan) => {
      const id = orphan.key.replace(/^uploads\//, "").replace(/\.[a-z]+$/, "");
      return [
        `quarantine/${id}.json.bak`,
        `quarantine/${id}.json-old`,
        `quarantine/${id}.json/note`,
        `variants/${id}-old/thumb.webp`,
        `variants/${id}.bak`,
      ];
    });
    for (const key of lookAlikes) await real.put(key, "keep me", { contentType: "text/plain" });

    // Act
    const report = await handler({}, fakeContext());

    // Assess
    expect(report.status).toBe("completed");
    // Sorted on both sides: s3rver's listing order is not S3's.
    expect((await bucketKeys()).sort(compareKeys)).toEqual(
      [...survivorsOf(dataset), ...lookAlikes].sort(compareKeys),
    );
  }, 60_000);

  it("resumes a run cut by the time margin to the same end state as an uninterrupted run", async () => {
    // Two buckets with the same keys, sharing one images table.
    const dataset = makeDataset(60, new Date(), 2);
    const whole = await setup(60, 2, { pageSize: 10, dataset });
    const cut = await setup(60, 2, { pageSize: 10, dataset });

    const [uninterrupted] = await runToEnd(whole.handler, {});
    const reports = await runToEnd(cut.handler, {}, 15);

    expect(reports.length).toBeGreaterThan(3);
    const resumed = reports.at(-1)!;
    expect(await cut.bucketKeys()).toEqual(await whole.bucketKeys());
    expect(await cut.bucketKeys()).toEqual(survivorsOf(cut.dataset).sort(compareKeys));
    // Each bucket was seeded at its own time, so each run has its own clock: compare everything else.
    const comparable = ({
      runId: _r,
      durationMs: _d,
      activeMs: _a,
      invocations: _i,
      startedAt: _s,
      finishedAt: _f,
      cutoff: _c,
      ...rest
    }: CleanupReport) => rest;
    expect(comparable(resumed)).toEqual(comparable(uninterrupted!));
    expect(resumed.deleted).toBe(dataset.orphans.length);
    const [wholeRow, cutRow] = [await runRow(uninterrupted!.runId), await runRow(resumed.runId)];
    const rowFacts = (row: typeof wholeRow) => ({
      status: row?.status,
      scanned: row?.scanned,
      deleted: row?.deleted,
    });
    expect(rowFacts(cutRow)).toEqual(rowFacts(wholeRow));
    expect(cutRow?.report.invocations).toBe(reports.length);
  }, 120_000);

  it("reads the per-key Errors S3 returns inside a 200 and keeps those originals", async () => {
    const probe = makeDataset(80, new Date(), 3);
    const victim = probe.orphans.find((image) => image.derived.length === 3)!;
    const { handler, bucketKeys } = await setup(80, 3, {
      dataset: probe,
      faults: { refuseKeys: new Set([victim.derived[0]!]) },
    });

    const report = await handler({}, fakeContext());

    expect(report).toMatchObject({
      status: "completed",
      errors: 1,
      keptAfterError: 1,
      deleted: probe.orphans.length - 1,
    });
    expect(report.errorSample).toEqual([
      { key: victim.derived[0], code: "AccessDenied", message: "Access Denied" },
    ]);
    const remaining = await bucketKeys();
    expect(remaining).toContain(victim.key);
    expect(remaining).toContain(victim.derived[0]);
  }, 60_000);

  it("fails closed on a listing error: nothing deleted after it, and the run is recorded as failed", async () => {
    const { handler, timeline, bucketKeys, dataset } = await setup(80, 4, {
      faults: { failListing: { prefix: "variants/", fromCall: 2 } },
      pageSize: 5,
    });

    const error = await handler({}, fakeContext()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CleanupRunFailedError);
    const report = (error as CleanupRunFailedError).report;
    expect(report.failure?.stage).toBe("list variants/");
    expect(deletesAfterFailure(timeline)).toEqual([]);
    expect(await bucketKeys()).toHaveLength(
      dataset.images.reduce((n, image) => n + 1 + image.derived.length, 0) + 3,
    );
    expect(await runRow(report.runId)).toMatchObject({ status: "failed", deleted: 0 });
  }, 60_000);
});
