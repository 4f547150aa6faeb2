import { type DailyStats, type StatsDatabase, StatsDatabaseError } from "../../src/stats-database.js";

export interface CleanupRun {
  finishedAt: Date | null;
  dryRun: boolean;
  deleted: number;
}

/** An in-memory StatsDatabase: the `daily_stats` table as a map by day, cleanup runs as a list. */
export const createMemoryStatsDatabase = (runs: CleanupRun[] = []) => {
  const rows = new Map<string, DailyStats>();
  const state = { connects: 0, open: 0, failOn: undefined as StatsDatabaseError["step"] | undefined };
  const fail = (step: StatsDatabaseError["step"]) => {
    if (state.failOn === step)
      throw new StatsDatabaseError(step, new Error("Connection terminated unexpectedly"));
  };
  const database: StatsDatabase = {
    async connect() {
      state.connects++;
      fail("connect");
      state.open++;
      return {
        async orphansDeleted(start, end) {
          fail("read cleanup runs");
          return runs
            .filter((r) => !r.dryRun && r.finishedAt && r.finishedAt >= start && r.finishedAt < end)
            .reduce((sum, r) => sum + r.deleted, 0);
        },
        async saveDailyStats(stats) {
          fail("save daily stats");
          rows.set(stats.day, structuredClone(stats));
        },
        async close() {
          state.open--;
        },
      };
    },
  };
  return { database, rows, runs, state };
};
