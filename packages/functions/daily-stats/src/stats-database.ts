import type { IsoDate } from "@lambda-lab/shared";

/** One day's figures: the `daily_stats` row and the body of `reports/daily/<day>.json`. */
export interface DailyStats {
  day: IsoDate;
  timeZone: string;
  uploads: number;
  uploadBytes: number;
  uploadsByType: Record<string, number>;
  bytesByType: Record<string, number>;
  variants: number;
  quarantined: number;
  orphansDeleted: number;
  /** ISO timestamp of this computation. */
  computedAt: string;
}

/** The database as daily-stats sees it: one connection per run, opened before any work. */
export interface StatsDatabase {
  connect(): Promise<StatsSession>;
}

export interface StatsSession {
  /** Originals deleted by non-dry orphan-cleanup runs that finished in `[start, end)`. */
  orphansDeleted(start: Date, end: Date): Promise<number>;
  /** Inserts the day's row, or replaces every figure of an earlier run for the same day, atomically. */
  saveDailyStats(stats: DailyStats): Promise<void>;
  close(): Promise<void>;
}

/** A database failure, named by the step that failed. Nothing was written to the table when it is thrown. */
export class StatsDatabaseError extends Error {
  override name = "StatsDatabaseError";
  constructor(
    readonly step: "connect" | "read cleanup runs" | "save daily stats",
    cause: unknown,
  ) {
    super(
      `daily-stats: database ${step} failed: ${cause instanceof Error ? cause.message || cause.name : String(cause)}`,
      { cause },
    );
  }
}
