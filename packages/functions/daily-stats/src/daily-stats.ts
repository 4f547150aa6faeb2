import { dailyReportKeyOf, type Logger, type ObjectStore } from "@lambda-lab/shared";
import type { DayWindow } from "./calendar.js";
import { countDerived } from "./derived.js";
import type { DailyStats, StatsDatabase } from "./stats-database.js";
import { countUploads, uploadPrefixes } from "./uploads.js";

export interface DailyStatsDeps {
  store: ObjectStore;
  database: StatsDatabase;
  logger: Pick<Logger, "info" | "warn">;
  now: () => Date;
}

export interface DailyStatsResult extends DailyStats {
  /** Manifests created during the day (each lists the variants counted in `variants`). */
  imagesTransformed: number;
  /** Manifests or markers listed but unreadable (malformed, or deleted mid-run); not counted. */
  unreadable: number;
  reportKey: string;
}

/** `reports/daily/<day>.json`: the row's figures, plus the instants the day covered. */
export interface DailyReport extends DailyStats {
  version: 1;
  window: { start: string; end: string };
  imagesTransformed: number;
  unreadableKeys: string[];
}

/** How many unreadable keys the report names; the count is always complete. */
const UNREADABLE_KEYS_IN_REPORT = 100;

/**
 * Computes one day's statistics, upserts its `daily_stats` row, then writes its report. The database is
 * opened first, so a database that is down fails the run before any S3 work; the row is one upsert, so a
 * failure at any point leaves the previous run's row (or none) and no report from this run.
 */
export const computeDailyStats = async (
  window: DayWindow,
  deps: DailyStatsDeps,
): Promise<DailyStatsResult> => {
  const { store, database, logger } = deps;
  const session = await database.connect();
  let stats: DailyStats;
  let derived: Awaited<ReturnType<typeof countDerived>>;
  try {
    const uploads = await countUploads(store, window);
    derived = await countDerived(store, window);
    if (derived.unreadable.length > 0) {
      logger.warn("skipped unreadable manifests or quarantine markers", {
        count: derived.unreadable.length,
        keys: derived.unreadable.slice(0, UNREADABLE_KEYS_IN_REPORT),
      });
    }
    const orphansDeleted = await session.orphansDeleted(window.start, window.end);
    stats = {
      day: window.day,
      timeZone: window.timeZone,
      ...uploads,
      variants: derived.variants,
      quarantined: derived.quarantined,
      orphansDeleted,
      computedAt: deps.now().toISOString(),
    };
    await session.saveDailyStats(stats);
  } finally {
    await session.close();
  }

  const reportKey = dailyReportKeyOf(window.day);
  const report: DailyReport = {
    version: 1,
    ...stats,
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    imagesTransformed: derived.manifests,
    unreadableKeys: derived.unreadable.slice(0, UNREADABLE_KEYS_IN_REPORT),
  };
  await store.put(reportKey, `${JSON.stringify(report, null, 2)}\n`, {
    contentType: "application/json",
    cacheControl: "no-cache",
  });
  logger.info("daily statistics written", {
    ...stats,
    uploadPrefixes: uploadPrefixes(window),
    reportKey,
  });
  return {
    ...stats,
    imagesTransformed: derived.manifests,
    unreadable: derived.unreadable.length,
    reportKey,
  };
};
