import { cleanupReportKeyOf, type IsoDate } from "@lambda-lab/shared";
import type { RunState } from "./run-state.js";

/** The run report: logged, written to EFS and S3, stored in cleanup_runs.report and returned by the handler. */
export interface CleanupReport {
  runId: string;
  status: RunState["status"];
  stopReason?: RunState["stopReason"];
  failure?: RunState["failure"];
  dryRun: boolean;
  startedAt: string;
  finishedAt?: string;
  /** Wall-clock time since the run started (across invocations). */
  durationMs: number;
  /** Time spent inside invocations. */
  activeMs: number;
  invocations: number;
  gracePeriodHours: number;
  cutoff: string;
  maxDeletes: number;
  scanned: number;
  referenced: number;
  tooYoung: number;
  unmanaged: number;
  orphans: number;
  derivedFound: number;
  deleted: number;
  derivedDeleted: number;
  errors: number;
  keptAfterError: number;
  keptReferenced: number;
  /** While the run is unfinished: the next invocation continues after this key. */
  resumeAfter?: string;
  deletedSample: string[];
  errorSample: RunState["errorSample"];
  /** Problems recording a finished run (database, S3 report) that did not undo its work. */
  warnings?: string[];
}

export const reportOf = (run: RunState, now: Date): CleanupReport => ({
  runId: run.runId,
  status: run.status,
  ...(run.stopReason ? { stopReason: run.stopReason } : {}),
  ...(run.failure ? { failure: run.failure } : {}),
  dryRun: run.dryRun,
  startedAt: run.startedAt,
  ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
  durationMs: (run.finishedAt ? Date.parse(run.finishedAt) : now.getTime()) - Date.parse(run.startedAt),
  activeMs: run.activeMs,
  invocations: run.invocations,
  gracePeriodHours: run.gracePeriodHours,
  cutoff: run.cutoff,
  maxDeletes: run.maxDeletes,
  ...run.walk,
  deleted: run.deletes.deleted,
  derivedDeleted: run.deletes.derivedDeleted,
  errors: run.deletes.deleteErrors,
  keptAfterError: run.deletes.keptAfterError,
  keptReferenced: run.deletes.keptReferenced,
  ...(run.status === "running" && run.lastKey !== undefined ? { resumeAfter: run.lastKey } : {}),
  deletedSample: run.deletedSample,
  errorSample: run.errorSample,
});

/** The calendar day of `instant` in `timeZone`, as YYYY-MM-DD (en-CA formats dates that way). */
export const dateIn = (instant: Date, timeZone: string): IsoDate =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    instant,
  );

/**
 * `reports/cleanup/<date>.json` for the day the run finished. A dry run writes `<date>.dry-run.json` beside
 * it, so rehearsing never overwrites the report of a real run.
 */
export const reportKeyOf = (report: CleanupReport, timeZone: string, now: Date): string => {
  const key = cleanupReportKeyOf(dateIn(report.finishedAt ? new Date(report.finishedAt) : now, timeZone));
  return report.dryRun ? key.replace(/\.json$/, ".dry-run.json") : key;
};
