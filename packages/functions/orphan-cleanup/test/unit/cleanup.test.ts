import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createMemoryObjectStore, type MemoryObjectStore } from "@lambda-lab/shared/testing";
import { describe, expect, it } from "vitest";
import { CleanupRunFailedError, DatabaseUnavailableError } from "../../src/cleanup.js";
import { compareKeys } from "../../src/key-order.js";
import type { CleanupReport } from "../../src/report.js";
import { CorruptStateError, LOCK_STALE_MS, LockHeldError } from "../../src/state-dir.js";
import { type Dataset, makeDataset, seedMemory, survivorsOf } from "../support/dataset.js";
import {
  allKeys,
  createMemoryLedger,
  createMemoryRefs,
  fakeContext,
  tempStateRoot,
} from "../support/fakes.js";
import {
  deletesAfterFailure,
  faultyStore,
  type Operation,
  recordingRefs,
  type StoreFaults,
} from "../support/faults.js";
import { makeTestHandler, runToEnd, type TEST_ENV } from "../support/harness.js";

const NOW = new Date("2025-06-01T00:00:00Z");

const setup = async (
  dataset: Dataset,
  options: { faults?: StoreFaults; env?: Partial<typeof TEST_ENV>; pageSize?: number } = {},
) => {
  const memory = createMemoryObjectStore(() => NOW);
  seedMemory(memory, dataset);
  const timeline: Operation[] = [];
  const memoryRefs = createMemoryRefs(dataset.referencedKeys);
  const ledger = createMemoryLedger();
  const stateRoot = await tempStateRoot();
  const store = faultyStore(memory, options.faults ?? {}, timeline);
  const { handler, log } = makeTestHandler({
    store,
    refs: recordingRefs(memoryRefs, timeline),
    ledger,
    stateRoot,
    now: () => NOW,
    pageSize: options.pageSize ?? 50,
    ...(options.env ? { env: options.env } : {}),
  });
  return { memory, memoryRefs, ledger, stateRoot, timeline, handler, log };
};

const bucketKeys = async (memory: MemoryObjectStore) =>
  (await allKeys(memory)).filter((key) => !key.startsWith("reports/"));

const sorted = (keys: string[]) => [...keys].sort(compareKeys);

describe("orphan cleanup (in-memory store and references)", () => {
  it("deletes exactly the old, unreferenced, managed originals with their variants and markers", async () => {
    // Prepare
    const dataset = makeDataset(300, NOW);
    const { memory, ledger, stateRoot, handler } = await setup(dataset);

    // Act
    const report = await handler({}, fakeContext());

    // Assess
    expect(await bucketKeys(memory)).toEqual(sorted(survivorsOf(dataset)));
    const derived = dataset.orphans.reduce((sum, image) => sum + image.derived.length, 0);
    expect(report).toMatchObject({
      status: "completed",
      dryRun: false,
      scanned: 303,
      referenced: dataset.referencedKeys.length,
      tooYoung: dataset.images.filter((image) => image.young && !image.referenced).length,
      unmanaged: 3,
      orphans: dataset.orphans.length,
      deleted: dataset.orphans.length,
      derivedFound: derived,
      derivedDeleted: derived,
      errors: 0,
    });
    expect(dataset.orphans.length).toBeGreaterThan(50);
    const row = ledger.rows.get(report.runId);
    expect(row).toMatchObject({
      status: "completed",
      dryRun: false,
      scanned: 303,
      deleted: dataset.orphans.length,
    });
    expect(row?.finishedAt).toEqual(NOW);
    // 2025-06-01T00:00Z is 09:00 on the same day in Seoul.
    const s3Report = JSON.parse(memory.objects.get("reports/cleanup/2025-06-01.json")!.body.toString());
    expect(s3Report).toEqual(report);
    const efsReport = JSON.parse(
      await readFile(join(stateRoot, "orphan-cleanup", "reports", `${report.runId}.json`), "utf8"),
    );
    expect(efsReport).toEqual(report);
    await expect(readFile(join(stateRoot, "orphan-cleanup", "run.json"))).rejects.toThrow(/ENOENT/);
  });

  it("in a dry run deletes nothing and reports what it would delete", async () => {
    const dataset = makeDataset(120, NOW);
    const { memory, ledger, handler } = await setup(dataset);
    const before = await bucketKeys(memory);

    const report = await handler({ dryRun: true }, fakeContext());

    expect(await bucketKeys(memory)).toEqual(before);
    expect(report).toMatchObject({
      status: "completed",
      dryRun: true,
      orphans: dataset.orphans.length,
      deleted: 0,
    });
    expect(report.deletedSample).toEqual(sorted(dataset.orphans.map((image) => image.key)).slice(0, 20));
    expect(memory.objects.has("reports/cleanup/2025-06-01.dry-run.json")).toBe(true);
    expect(memory.objects.has("reports/cleanup/2025-06-01.json")).toBe(false);
    expect(ledger.rows.get(report.runId)).toMatchObject({ dryRun: true, deleted: 0, status: "completed" });
  });

  it("deletes an orphan's variants and marker but not the keys that merely share their prefixes", async () => {
    // Prepare
    const dataset = makeDataset(300, NOW);
    // A quarantined orphan: its one derived object is its marker.
    const orphan = dataset.orphans.find((image) => image.derived.length === 1)!;
    const marker = orphan.derived[0]!;
    const variants = marker.replace(/^quarantine\//, "variants/").replace(/\.json$/, "");
    const lookAlikes = [
      `${marker}.bak`,
      `${marker}-old`,
      `${marker}_1`,
      `${marker}/note`,
      `${variants}-old/thumb.webp`,
      `${variants}.bak`,
      `${variants}`,
    ];
    const { memory, handler } = await setup(dataset);
    for (const key of lookAlikes) memory.seed(key, "keep me", { lastModified: new Date(0) });

    // Act
    const report = await handler({}, fakeContext());

    // Assess
    expect(memory.objects.has(orphan.key)).toBe(false);
    expect(memory.objects.has(marker)).toBe(false);
    expect(lookAlikes.filter((key) => !memory.objects.has(key))).toEqual([]);
    expect(report.derivedDeleted).toBe(dataset.orphans.reduce((n, image) => n + image.derived.length, 0));
  });

  it("stops at maxDeletes, having deleted exactly that many originals", async () => {
    const dataset = makeDataset(200, NOW);
    const { memory, handler, ledger } = await setup(dataset);

    const report = await handler({ maxDeletes: 7 }, fakeContext());

    expect(report).toMatchObject({ status: "stopped", stopReason: "max-deletes", deleted: 7, orphans: 7 });
    const first7 = sorted(dataset.orphans.map((image) => image.key)).slice(0, 7);
    const remaining = new Set(await bucketKeys(memory));
    expect(first7.filter((key) => remaining.has(key))).toEqual([]);
    expect(dataset.orphans.filter((image) => remaining.has(image.key))).toHaveLength(
      dataset.orphans.length - 7,
    );
    expect(ledger.rows.get(report.runId)?.status).toBe("stopped");
  });

  it("sends about one request per 1,000 keys: pages of 1,000 and batched deletes", async () => {
    const dataset = makeDataset(2500, NOW, 7);
    const { memory, handler, timeline } = await setup(dataset, { pageSize: 1000 });

    const report = await handler({}, fakeContext());

    const lists = timeline.filter((entry) => entry.op === "list");
    const deletes = timeline.filter((entry) => entry.op === "delete");
    const deletedKeys = report.deleted + report.derivedDeleted;
    const listedObjects = [...memory.objects.keys()].length + deletedKeys; // before the run
    expect(deletes.every((entry) => entry.op === "delete" && entry.keys.length <= 1000)).toBe(true);
    expect(deletes.length).toBeLessThanOrEqual(Math.ceil(deletedKeys / 1000) + 1);
    // One partial last page per walked prefix (uploads/, variants/, quarantine/) at most.
    expect(lists.length).toBeLessThanOrEqual(Math.ceil(listedObjects / 1000) + 3);
    expect(timeline.filter((entry) => entry.op === "refs")).toHaveLength(
      Math.ceil((dataset.referencedKeys.length + 1) / 1000),
    );
    // One re-check query per DeleteObjects request, just before it is sent.
    expect(timeline.filter((entry) => entry.op === "recheck")).toHaveLength(deletes.length);
  });

  it("keeps an original whose variant S3 refused to delete, and reports the per-key error", async () => {
    const dataset = makeDataset(100, NOW, 3);
    const victim = dataset.orphans.find((image) => image.derived.length === 3)!;
    const refusedOriginal = dataset.orphans.find((image) => image !== victim)!;
    const refused = new Set([victim.derived[1]!, refusedOriginal.key]);
    const { memory, handler } = await setup(dataset, { faults: { refuseKeys: refused } });

    const report = await handler({}, fakeContext());

    expect(report).toMatchObject({
      status: "completed",
      errors: 2,
      keptAfterError: 2,
      deleted: dataset.orphans.length - 2,
    });
    expect(report.errorSample.map((e) => e.key).sort()).toEqual([...refused].sort());
    expect(memory.objects.has(victim.key)).toBe(true);
    expect(memory.objects.has(victim.derived[1]!)).toBe(true);
    expect(memory.objects.has(victim.derived[0]!)).toBe(false);
    expect(memory.objects.has(refusedOriginal.key)).toBe(true);
  });

  it("fails closed when a listing fails: nothing is deleted after the error", async () => {
    const dataset = makeDataset(2000, NOW, 5);
    const { memory, handler, timeline, ledger } = await setup(dataset, {
      faults: { failListing: { prefix: "uploads/", fromCall: 30 } },
    });
    const before = await bucketKeys(memory);

    const error = await handler({}, fakeContext()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CleanupRunFailedError);
    const report = (error as CleanupRunFailedError).report;
    expect(report).toMatchObject({ status: "failed", failure: { stage: "list uploads/" } });
    expect(deletesAfterFailure(timeline)).toEqual([]);
    const deleted = new Set(timeline.flatMap((entry) => (entry.op === "delete" ? entry.keys : [])));
    expect(deleted.size).toBeGreaterThan(0);
    expect(deleted.size).toBe(report.deleted + report.derivedDeleted);
    // Orphans found but still queued when the listing failed were not deleted.
    expect(await bucketKeys(memory)).toEqual(before.filter((key) => !deleted.has(key)));
    expect(report.orphans).toBeGreaterThan(report.deleted);
    expect(ledger.rows.get(report.runId)).toMatchObject({ status: "failed", deleted: report.deleted });
  });

  it("fails closed when the database fails mid-run: nothing is deleted after the error", async () => {
    const dataset = makeDataset(400, NOW, 6);
    const { memory, memoryRefs, handler, timeline } = await setup(dataset, { pageSize: 20 });
    memoryRefs.failAfterCalls(3);

    const error = await handler({}, fakeContext()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CleanupRunFailedError);
    expect((error as CleanupRunFailedError).report.failure?.stage).toBe("read images");
    expect(deletesAfterFailure(timeline)).toEqual([]);
    // Orphans past the failure point are all still there.
    const remaining = new Set(await bucketKeys(memory));
    const lastDeleted =
      timeline
        .flatMap((entry) => (entry.op === "delete" ? entry.keys : []))
        .filter((key) => key.startsWith("uploads/"))
        .sort(compareKeys)
        .at(-1) ?? "";
    expect(
      dataset.orphans
        .filter((image) => compareKeys(image.key, lastDeleted) > 0)
        .every((image) => remaining.has(image.key)),
    ).toBe(true);
  });

  it("fails closed when a DeleteObjects request itself fails", async () => {
    const dataset = makeDataset(100, NOW, 8);
    const { memory, handler } = await setup(dataset, { faults: { failDeleteRequests: true } });

    const error = await handler({}, fakeContext()).catch((e: unknown) => e);

    expect((error as CleanupRunFailedError).report).toMatchObject({
      status: "failed",
      failure: { stage: "delete" },
      deleted: 0,
    });
    expect(await bucketKeys(memory)).toHaveLength(
      survivorsOf(dataset).length + dataset.orphans.reduce((n, i) => n + 1 + i.derived.length, 0),
    );
  });

  it("refuses to start while the database is down, deleting nothing", async () => {
    const dataset = makeDataset(50, NOW);
    const { memory, handler, ledger, timeline } = await setup(dataset);
    ledger.setDown(true);
    const before = await bucketKeys(memory);

    await expect(handler({}, fakeContext())).rejects.toThrow(DatabaseUnavailableError);

    expect(await bucketKeys(memory)).toEqual(before);
    expect(timeline).toEqual([]);
  });

  it("resumes a run cut by the time margin to the same end state as an uninterrupted run", async () => {
    const dataset = makeDataset(500, NOW, 11);
    const whole = await setup(dataset, { pageSize: 40 });
    const cut = await setup(dataset, { pageSize: 40 });

    const [uninterrupted] = await runToEnd(whole.handler, {});
    const reports = await runToEnd(cut.handler, {}, 37);

    expect(reports.length).toBeGreaterThan(5);
    expect(reports.slice(0, -1).every((report) => report.status === "running")).toBe(true);
    const resumed = reports.at(-1)!;
    expect(await bucketKeys(cut.memory)).toEqual(await bucketKeys(whole.memory));
    const comparable = (report: CleanupReport) => {
      const { runId: _r, durationMs: _d, activeMs: _a, invocations: _i, ...rest } = report;
      return rest;
    };
    expect(comparable(resumed)).toEqual(comparable(uninterrupted!));
    expect(resumed.invocations).toBe(reports.length);
    expect(cut.ledger.rows.get(resumed.runId)).toMatchObject({
      status: "completed",
      scanned: 503,
      deleted: dataset.orphans.length,
    });
  });

  it("refuses to overlap a run that holds the lock, and takes over a lock older than any run can be", async () => {
    const dataset = makeDataset(30, NOW);
    const { handler, stateRoot, memory } = await setup(dataset);
    const lockPath = join(stateRoot, "orphan-cleanup", "lock");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(stateRoot, "orphan-cleanup"), { recursive: true });
    const lock = (acquiredAt: Date) =>
      writeFile(
        lockPath,
        JSON.stringify({ token: "other", owner: "request-other", acquiredAt: acquiredAt.toISOString() }),
      );

    await lock(new Date(NOW.getTime() - 60_000));
    await expect(handler({}, fakeContext())).rejects.toThrow(LockHeldError);
    expect(await bucketKeys(memory)).toHaveLength(
      survivorsOf(dataset).length + dataset.orphans.reduce((n, i) => n + 1 + i.derived.length, 0),
    );

    await lock(new Date(NOW.getTime() - LOCK_STALE_MS - 1));
    const report = await handler({}, fakeContext());
    expect(report.status).toBe("completed");
    await expect(readFile(lockPath)).rejects.toThrow(/ENOENT/);
  });

  it("records a run that finished while the database was down before starting the next one", async () => {
    const dataset = makeDataset(60, NOW);
    const { handler, ledger, memory } = await setup(dataset);
    ledger.setDown(false);
    // The run records its start and progress, then the database goes away before it finishes.
    const originalSave = ledger.save.bind(ledger);
    ledger.save = async (row) => {
      if (row.status !== "running") throw new Error("connection terminated");
      return originalSave(row);
    };
    const first = await handler({}, fakeContext());
    expect(first.warnings?.[0]).toMatch(/cleanup_runs not updated/);
    expect(ledger.rows.get(first.runId)?.status).toBe("running");

    ledger.save = originalSave;
    const second = await handler({}, fakeContext());

    expect(ledger.rows.get(first.runId)).toMatchObject({
      status: "completed",
      deleted: dataset.orphans.length,
    });
    expect(second.runId).not.toBe(first.runId);
    expect(second).toMatchObject({ status: "completed", deleted: 0 });
    expect(await bucketKeys(memory)).toEqual(sorted(survivorsOf(dataset)));
  });

  it("stops on a damaged checkpoint until invoked with restart", async () => {
    const dataset = makeDataset(40, NOW);
    const { handler, stateRoot } = await setup(dataset);
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(stateRoot, "orphan-cleanup"), { recursive: true });
    await writeFile(join(stateRoot, "orphan-cleanup", "run.json"), '{"version":1,"runId":');

    await expect(handler({}, fakeContext())).rejects.toThrow(CorruptStateError);
    const report = await handler({ restart: true }, fakeContext());

    expect(report).toMatchObject({ status: "completed", deleted: dataset.orphans.length });
  });

  it("on restart abandons the unfinished run (stopped) and starts over", async () => {
    const dataset = makeDataset(300, NOW);
    const { handler, ledger } = await setup(dataset, { pageSize: 20 });
    const paused = await handler({}, fakeContext(30));
    expect(paused.status).toBe("running");

    const fresh = await handler({ restart: true }, fakeContext());

    expect(ledger.rows.get(paused.runId)).toMatchObject({ status: "stopped" });
    expect(ledger.rows.get(paused.runId)?.report.stopReason).toBe("restarted");
    expect(fresh).toMatchObject({ status: "completed", scanned: 303 - paused.deleted });
  });

  it("keeps a dry run's checkpoint apart from an unfinished real run", async () => {
    const dataset = makeDataset(300, NOW);
    const { handler, memory } = await setup(dataset, { pageSize: 20 });
    const paused = await handler({}, fakeContext(30));

    const dry = await handler({ dryRun: true }, fakeContext());
    const [finished] = (await runToEnd(handler, {})).slice(-1);

    expect(dry).toMatchObject({
      status: "completed",
      deleted: 0,
      orphans: dataset.orphans.length - paused.deleted,
    });
    expect(finished).toMatchObject({
      runId: paused.runId,
      status: "completed",
      deleted: dataset.orphans.length,
    });
    expect(await bucketKeys(memory)).toEqual(sorted(survivorsOf(dataset)));
  });
});
