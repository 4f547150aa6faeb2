import type { CleanupReport } from "./report.js";

/** The web app's references to originals: the `images` table. */
export interface ImageRefs {
  /**
   * Up to `limit` referenced keys greater than `after`, ascending in byte order (keyset pagination). A page
   * shorter than `limit` means there are no more.
   */
  keysAfter(after: string, limit: number): Promise<string[]>;
  /**
   * Which of `keys` are referenced now. Asked right before originals are deleted: the merge walk judged them
   * from a page read earlier, and the web app may have attached an old upload since.
   */
  referencedAmong(keys: readonly string[]): Promise<Set<string>>;
}

export type RunStatus = "running" | "completed" | "stopped" | "failed";

/** One `cleanup_runs` row: one per run, however many invocations the run takes. */
export interface CleanupRunRow {
  runId: string;
  startedAt: Date;
  finishedAt?: Date | undefined;
  dryRun: boolean;
  status: RunStatus;
  scanned: number;
  /** Originals deleted: daily-stats sums this for non-dry runs. */
  deleted: number;
  report: CleanupReport;
}

/** Where runs are recorded for daily-stats and the lab page. */
export interface RunLedger {
  /** Inserts or replaces the run's row (idempotent, so a row can be re-synced after an outage). */
  save(row: CleanupRunRow): Promise<void>;
}

/** The structured logger the core writes to (Powertools' Logger in the cloud). */
export interface CleanupLog {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}
