import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type LocalPostgres, startLocalPostgres } from "@lambda-lab/db/testing";
import { type LocalS3, startLocalS3 } from "@lambda-lab/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CleanupRunFailedError, DatabaseUnavailableError } from "../../src/cleanup.js";
import { compareKeys } from "../../src/key-order.js";
import { createPgCleanupDb } from "../../src/pg-cleanup-db.js";
import { makeDataset, survivorsOf } from "../support/dataset.js";
import { allKeys, fakeContext, tempStateRoot } from "../support/fakes.js";
import { deletesAfterFailure, faultyStore, type Operation, recordingRefs } from "../support/faults.js";
import { makeTestHandler } from "../support/harness.js";
import { insertReferences, migrated, query, seedWithBoundary } from "../support/services.js";

// One PostgreSQL these tests stop and start again on the same data folder and port.
let databaseDir: string;
let port: number;
let db: LocalPostgres | undefined;
const s3s: LocalS3[] = [];
const start = async () => {
  db = await startLocalPostgres({ databaseDir, port });
  return db;
};
const stop = async () => {
  await db?.stop();
  db = undefined;
};

beforeAll(async () => {
  databaseDir = await mkdtemp(join(tmpdir(), "orphan-cleanup-pg-"));
  port = await freePort();
  await migrated((await start()).url);
});

afterAll(async () => {
  await stop();
  for (const s3 of s3s) await s3.stop();
});

const setup = async (seed: number) => {
  const dataset = makeDataset(60, new Date(), seed);
  const s3 = await startLocalS3();
  s3s.push(s3);
  const { store, now } = await seedWithBoundary(s3, dataset);
  const url = db!.url;
  await insertReferences(url, dataset.referencedKeys);
  const pgDb = createPgCleanupDb(async () => ({ connectionString: url }), { connectTimeoutMs: 2_000 });
  const timeline: Operation[] = [];
  const bucketKeys = async () => (await allKeys(store)).filter((key) => !key.startsWith("reports/"));
  return { dataset, store, now, url, pgDb, timeline, bucketKeys };
};

describe("database outages", () => {
  it("deletes nothing when the database is down before the run", async () => {
    // Prepare
    const { store, now, pgDb, timeline, bucketKeys } = await setup(21);
    const { handler } = makeTestHandler({
      store: faultyStore(store, {}, timeline),
      refs: recordingRefs(pgDb, timeline),
      ledger: pgDb,
      stateRoot: await tempStateRoot(),
      now,
    });
    const before = await bucketKeys();
    await stop();

    // Act
    const outcome = handler({}, fakeContext());

    // Assess
    await expect(outcome).rejects.toThrow(DatabaseUnavailableError);
    expect(timeline).toEqual([]);
    expect(await bucketKeys()).toEqual(before);
    await start();
    await pgDb.close();
  });

  it("deletes nothing after the database goes down mid-run, and records the failed run once it is back", async () => {
    // Prepare: the database stops just before the third page of uploads/ is listed.
    const { dataset, store, now, url, pgDb, timeline, bucketKeys } = await setup(22);
    const stateRoot = await tempStateRoot();
    const { handler } = makeTestHandler({
      store: faultyStore(
        store,
        { beforeList: async (prefix, call) => void (prefix === "uploads/" && call === 3 && (await stop())) },
        timeline,
      ),
      refs: recordingRefs(pgDb, timeline),
      ledger: pgDb,
      stateRoot,
      now,
      pageSize: 10,
    });
    const before = await bucketKeys();

    // Act
    const error = await handler({}, fakeContext()).catch((e: unknown) => e);

    // Assess: failed at the first database read after the outage; nothing deleted since.
    expect(error).toBeInstanceOf(CleanupRunFailedError);
    const report = (error as CleanupRunFailedError).report;
    expect(report).toMatchObject({ status: "failed", failure: { stage: "read images" } });
    expect(report.warnings?.[0]).toMatch(/cleanup_runs not updated/);
    expect(deletesAfterFailure(timeline)).toEqual([]);
    const deleted = new Set(timeline.flatMap((entry) => (entry.op === "delete" ? entry.keys : [])));
    expect(await bucketKeys()).toEqual(before.filter((key) => !deleted.has(key)));

    // The database comes back: the next invocation records the failed run first, then cleans up.
    await start();
    const next = await handler({}, fakeContext());
    const rows = await query<{ run_id: string; status: string }>(
      url,
      "select run_id, status from cleanup_runs order by started_at, run_id",
    );
    expect(rows.find((row) => row.run_id === report.runId)?.status).toBe("failed");
    expect(rows.find((row) => row.run_id === next.runId)?.status).toBe("completed");
    expect(await bucketKeys()).toEqual(survivorsOf(dataset).sort(compareKeys));
    await pgDb.close();
  });
});
