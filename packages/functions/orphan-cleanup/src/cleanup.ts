import { randomBytes } from "node:crypto";
import {
  type ObjectStore,
  PREFIXES,
  quarantineKeyOf,
  S3_BATCH_LIMIT,
  variantsPrefixOf,
} from "@lambda-lab/shared";
import { createDeleteQueue } from "./delete-queue.js";
import { compareKeys, managedImageIdOf } from "./key-order.js";
import type { CleanupLog, CleanupRunRow, ImageRefs, RunLedger } from "./ports.js";
import { createPrefixScanner } from "./prefix-scanner.js";
import { createRefCursor, KeyOrderError } from "./ref-cursor.js";
import { type CleanupReport, reportKeyOf, reportOf } from "./report.js";
import {
  emptyDeleteCounters,
  emptyWalkCounters,
  type RunState,
  SAMPLE_LIMIT,
  type StopReason,
  type WalkCounters,
} from "./run-state.js";
import { CorruptStateError, type RunMode, type StateDir } from "./state-dir.js";

/** One invocation's instructions, already bounded by the environment (see event.ts). */
export interface CleanupRequest {
  dryRun: boolean;
  maxDeletes: number;
  /** Abandon an unfinished run (marked stopped) and start over from the first key. */
  restart: boolean;
}

export interface CleanupSettings {
  gracePeriodHours: number;
  safetyMarginMs: number;
  timeZone: string;
  progressEveryPages: number;
  /** Keys per listing page and per database page: 1,000 in production (S3's maximum), smaller in tests. */
  pageSize?: number;
}

export interface CleanupDeps {
  store: ObjectStore;
  refs: ImageRefs;
  ledger: RunLedger;
  state: StateDir;
  log: CleanupLog;
  now: () => Date;
  /** Lambda's context.getRemainingTimeInMillis. */
  remainingMs: () => number;
  /** Who holds the lock (the request id), for the message another invocation gets. */
  invocationId: string;
}

/** A run that stopped on an error: nothing more was deleted after it. Carries the run's report. */
export class CleanupRunFailedError extends Error {
  override name = "CleanupRunFailedError";
  constructor(readonly report: CleanupReport) {
    super(
      `orphan-cleanup run ${report.runId} failed at "${report.failure?.stage}": ${report.failure?.message} ` +
        `(nothing deleted after the failure; ${report.deleted} originals deleted before it)`,
    );
  }
}

/** The run could not be recorded in cleanup_runs before starting: nothing was touched. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

export class NotEnoughTimeError extends Error {
  override name = "NotEnoughTimeError";
}

/** Which part of the run an error came from, for the report and the error message. */
class StageError extends Error {
  constructor(
    readonly stage: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

const inStage = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw error instanceof StageError ? error : new StageError(stage, error);
  }
};

/**
 * Keeps the first SAMPLE_LIMIT keys in key order (not deletion order, which depends on batching), so an
 * interrupted and resumed run reports the same sample as an uninterrupted one.
 */
const addToSample = (sample: string[], key: string): void => {
  if (sample.length >= SAMPLE_LIMIT && compareKeys(key, sample.at(-1)!) >= 0) return;
  let index = sample.length;
  while (index > 0 && compareKeys(sample[index - 1]!, key) > 0) index--;
  sample.splice(index, 0, key);
  if (sample.length > SAMPLE_LIMIT) sample.pop();
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The S3 adapter reports a missing LastModified as the epoch: an unknown age is never old enough. Equal to
 * the cutoff is still young: the grace period must have fully passed.
 */
const isOldEnough = (lastModified: Date, cutoffMs: number): boolean => {
  const time = lastModified.getTime();
  return Number.isFinite(time) && time > 0 && time < cutoffMs;
};

const newRunId = (now: Date): string =>
  `${now.toISOString().replace(/[-:.]/g, "")}-${randomBytes(3).toString("hex")}`;

const rowOf = (run: RunState, now: Date): CleanupRunRow => ({
  runId: run.runId,
  startedAt: new Date(run.startedAt),
  finishedAt: run.finishedAt ? new Date(run.finishedAt) : undefined,
  dryRun: run.dryRun,
  status: run.status,
  scanned: run.walk.scanned,
  deleted: run.deletes.deleted,
  report: reportOf(run, now),
});

type Position = { lastKey: string | undefined; walk: WalkCounters };
type WalkEnd = "done" | StopReason;

/**
 * The merge walk: uploads/ in key order against the referenced keys in the same order, one page of each in
 * memory. Mutates `run` (position, counters, samples) as it goes and checkpoints it to EFS after every
 * DeleteObjects request and every few pages. Throws StageError on any listing, database or request-level
 * delete error, without sending anything still queued: fail closed.
 */
const walk = async (run: RunState, mode: RunMode, deps: CleanupDeps, settings: CleanupSettings) => {
  const pageSize = settings.pageSize ?? S3_BATCH_LIMIT;
  const cutoffMs = Date.parse(run.cutoff);
  const live: WalkCounters = { ...run.walk };
  let lastKey = run.lastKey;
  const refs = createRefCursor(deps.refs, run.lastKey ?? "", pageSize);
  const variants = createPrefixScanner(deps.store, PREFIXES.variants, pageSize);
  const markers = createPrefixScanner(deps.store, PREFIXES.quarantine, pageSize);

  // The settled position: before the first orphan whose deletion is still in flight, else where we are.
  const commit = () => {
    const settled: Position = queue.firstPendingBefore() ?? { lastKey, walk: live };
    run.lastKey = settled.lastKey;
    run.walk = { ...settled.walk };
  };
  const checkpoint = async () => {
    commit();
    await inStage("write checkpoint", () => deps.state.writeRun(mode, run));
  };
  const queue = createDeleteQueue<Position>(
    deps.store,
    {
      originalDeleted(key) {
        run.deletes.deleted++;
        addToSample(run.deletedSample, key);
      },
      derivedDeleted() {
        run.deletes.derivedDeleted++;
      },
      failed(failure) {
        run.deletes.deleteErrors++;
        if (run.errorSample.length < SAMPLE_LIMIT)
          run.errorSample.push({ key: failure.key, code: failure.code, message: failure.message });
        deps.log.warn("S3 did not delete a key", { ...failure });
      },
      originalKept() {
        run.deletes.keptAfterError++;
      },
      originalReferenced(key) {
        run.deletes.keptReferenced++;
        deps.log.warn("kept an orphan that was attached during the run", { key });
      },
      // Deletions reach the EFS checkpoint as soon as S3 confirms them, so a crash cannot lose their count.
      flushed: checkpoint,
    },
    (originals) => deps.refs.referencedAmong(originals),
  );

  const lowOnTime = () => deps.remainingMs() < settings.safetyMarginMs;
  let end: WalkEnd = "done";
  let startAfter = run.lastKey;
  try {
    pages: for (;;) {
      if (lowOnTime()) {
        end = "time";
        break;
      }
      const page = await inStage("list uploads/", () =>
        deps.store.listPage(PREFIXES.uploads, {
          ...(startAfter !== undefined ? { startAfter } : {}),
          maxKeys: pageSize,
        }),
      );
      for (const object of page.objects) {
        if (lastKey !== undefined && compareKeys(object.key, lastKey) <= 0)
          throw new StageError(
            "list uploads/",
            new KeyOrderError(
              `listing went backwards: ${JSON.stringify(object.key)} after ${JSON.stringify(lastKey)}`,
            ),
          );
        if (lowOnTime()) {
          end = "time";
          break pages;
        }
        const referenced = await inStage("read images", () => refs.isReferenced(object.key));
        const imageId = referenced ? undefined : managedImageIdOf(object.key);
        if (imageId !== undefined && isOldEnough(object.lastModified, cutoffMs)) {
          // Deleted, failed or in flight: all count, so even a resumed crash cannot exceed the brake.
          const decided = Math.max(
            live.orphans,
            run.deletes.deleted + run.deletes.keptAfterError + queue.pendingCount(),
          );
          if (decided >= run.maxDeletes) {
            end = "max-deletes";
            break pages;
          }
          const before: Position = { lastKey, walk: { ...live } };
          // The derived set the README promises, and only it: all under `variants/<id>/`, plus the exact
          // marker key (a `startsWith` on it would take `quarantine/<id>.json.bak` along).
          const derived = [
            ...(await inStage("list variants/", () => variants.keysUnder(variantsPrefixOf(imageId)))),
            ...(await inStage("list quarantine/", () => markers.exactKey(quarantineKeyOf(imageId)))),
          ];
          live.scanned++;
          live.orphans++;
          live.derivedFound += derived.length;
          lastKey = object.key;
          if (run.dryRun) {
            addToSample(run.deletedSample, object.key);
          } else await inStage("delete", () => queue.add(object.key, derived, before));
          continue;
        }
        live.scanned++;
        if (referenced) live.referenced++;
        else if (imageId === undefined) live.unmanaged++;
        else live.tooYoung++;
        lastKey = object.key;
      }
      run.pages++;
      if (run.pages % settings.progressEveryPages === 0) {
        await checkpoint();
        // Doubles as a health check: a database that went away stops the run here at the latest.
        await inStage("record progress", () => deps.ledger.save(rowOf(run, deps.now())));
        deps.log.info("orphan-cleanup progress", {
          runId: run.runId,
          pages: run.pages,
          ...run.walk,
          deleted: run.deletes.deleted,
          lastKey: run.lastKey,
        });
      }
      if (page.nextStartAfter === undefined) break;
      startAfter = page.nextStartAfter;
    }
    await inStage("delete", () => queue.drain());
    commit();
    return end;
  } catch (error) {
    // The counters describe what was seen before the failure; the position no longer matters.
    run.walk = { ...live };
    throw error;
  }
};

interface Finalized {
  report: CleanupReport;
}

/** Records a finished run everywhere: cleanup_runs, the EFS report, the S3 report; then drops the checkpoint. */
const finalize = async (
  run: RunState,
  mode: RunMode,
  deps: CleanupDeps,
  settings: CleanupSettings,
): Promise<Finalized> => {
  const now = deps.now();
  const warnings: string[] = [];
  run.ledgerSynced = false;
  await deps.state.writeRun(mode, run);
  try {
    await deps.ledger.save(rowOf(run, now));
    run.ledgerSynced = true;
    await deps.state.removeRun(mode);
  } catch (error) {
    warnings.push(
      `cleanup_runs not updated (${messageOf(error)}): the next invocation retries before starting`,
    );
  }
  const report = reportOf(run, now);
  await deps.state.writeReport(report);
  const key = reportKeyOf(report, settings.timeZone, now);
  try {
    await deps.store.put(key, `${JSON.stringify(report, null, 2)}\n`, { contentType: "application/json" });
  } catch (error) {
    warnings.push(`${key} not written: ${messageOf(error)}`);
  }
  for (const warning of warnings) deps.log.error(warning, { runId: run.runId });
  deps.log.info("orphan-cleanup run finished", { ...report });
  return { report: warnings.length > 0 ? { ...report, warnings } : report };
};

/** Loads the run to continue, or starts one; the database must answer before anything else happens. */
const openRun = async (
  request: CleanupRequest,
  mode: RunMode,
  deps: CleanupDeps,
  settings: CleanupSettings,
  now: Date,
): Promise<RunState> => {
  const record = async (run: RunState) => {
    try {
      await deps.ledger.save(rowOf(run, now));
    } catch (error) {
      throw new DatabaseUnavailableError(
        `orphan-cleanup: cannot record run ${run.runId} in cleanup_runs, so nothing was deleted: ${messageOf(error)}`,
        { cause: error },
      );
    }
  };

  let existing: RunState | undefined;
  try {
    existing = await deps.state.readRun(mode);
  } catch (error) {
    if (!(request.restart && error instanceof CorruptStateError)) throw error;
    deps.log.warn("discarding an unreadable checkpoint on restart", { error: messageOf(error) });
    await deps.state.removeRun(mode);
  }
  if (existing && existing.status !== "running") {
    // Finished while the database was away: record it before anything new happens.
    await record(existing);
    await deps.state.removeRun(mode);
    existing = undefined;
  }
  if (existing && request.restart) {
    existing.status = "stopped";
    existing.stopReason = "restarted";
    existing.finishedAt = now.toISOString();
    await finalize(existing, mode, deps, settings);
    existing = undefined;
  }
  if (existing) {
    existing.invocations++;
    await record(existing);
    if (request.maxDeletes !== existing.maxDeletes)
      deps.log.info("resuming with the run's own maxDeletes", {
        runId: existing.runId,
        maxDeletes: existing.maxDeletes,
      });
    return existing;
  }
  const run: RunState = {
    version: 1,
    runId: newRunId(now),
    dryRun: request.dryRun,
    status: "running",
    startedAt: now.toISOString(),
    cutoff: new Date(now.getTime() - settings.gracePeriodHours * 3_600_000).toISOString(),
    gracePeriodHours: settings.gracePeriodHours,
    maxDeletes: request.maxDeletes,
    walk: emptyWalkCounters(),
    deletes: emptyDeleteCounters(),
    pages: 0,
    invocations: 1,
    activeMs: 0,
    deletedSample: [],
    errorSample: [],
    ledgerSynced: false,
  };
  await record(run);
  await deps.state.writeRun(mode, run);
  deps.log.info("orphan-cleanup run started", { runId: run.runId, dryRun: run.dryRun, cutoff: run.cutoff });
  return run;
};

/**
 * One invocation of the cleanup: takes the EFS lock, continues the unfinished run (or starts one), walks
 * until done, the delete brake, or the time margin, and returns the run's report. A report with status
 * "running" means the run paused on time and the next invocation continues it.
 */
export const runCleanup = async (
  request: CleanupRequest,
  deps: CleanupDeps,
  settings: CleanupSettings,
): Promise<CleanupReport> => {
  const started = deps.now();
  const remaining = deps.remainingMs();
  if (remaining < settings.safetyMarginMs)
    throw new NotEnoughTimeError(
      `only ${remaining} ms left, below TIME_SAFETY_MARGIN_MS (${settings.safetyMarginMs}): give the function a longer timeout`,
    );
  const mode: RunMode = request.dryRun ? "dry-run" : "real";
  const lock = await deps.state.acquireLock(deps.invocationId, started);
  try {
    const run = await openRun(request, mode, deps, settings, started);
    let end: WalkEnd | undefined;
    try {
      end = await walk(run, mode, deps, settings);
    } catch (error) {
      const stage = error instanceof StageError ? error.stage : "run";
      deps.log.error("orphan-cleanup run failed: deleting stops here", {
        runId: run.runId,
        stage,
        error: messageOf(error),
      });
      run.status = "failed";
      run.failure = { stage, message: messageOf(error) };
    } finally {
      run.activeMs += deps.now().getTime() - started.getTime();
    }
    if (end === "time") {
      await deps.state.writeRun(mode, run);
      const report = reportOf(run, deps.now());
      await deps.state.writeReport(report);
      try {
        await deps.ledger.save(rowOf(run, deps.now()));
      } catch (error) {
        // The next invocation must reach the database before it deletes anything, so this can wait.
        deps.log.warn("could not record progress in cleanup_runs", { error: messageOf(error) });
      }
      deps.log.info("orphan-cleanup paused on time; the next invocation continues", { ...report });
      return report;
    }
    if (end === "done") run.status = "completed";
    else if (end === "max-deletes") {
      run.status = "stopped";
      run.stopReason = "max-deletes";
      deps.log.warn("stopped at maxDeletes: that many orphans smells like a broken database", {
        runId: run.runId,
        maxDeletes: run.maxDeletes,
      });
    }
    run.finishedAt = deps.now().toISOString();
    const { report } = await finalize(run, mode, deps, settings);
    if (run.status === "failed") throw new CleanupRunFailedError(report);
    return report;
  } finally {
    await lock.release();
  }
};
