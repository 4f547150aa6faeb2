import type pg from "pg";
import {
  type DailyStats,
  type StatsDatabase,
  StatsDatabaseError,
  type StatsSession,
} from "./stats-database.js";

export interface PgStatsDatabaseOptions {
  /** Resolves the connection settings; called on each connect, so it should cache (see `once`). */
  connectionConfig: () => Promise<pg.ClientConfig>;
  /** A database that does not answer fails the run this soon, not at the Lambda timeout. */
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
}

/** Caches a promise, but forgets a rejection so the next invocation retries (a secret read can fail once). */
export const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
};

const ORPHANS_DELETED_SQL = `
  select coalesce(sum(deleted), 0)::text as deleted
    from cleanup_runs
   where not dry_run and finished_at >= $1 and finished_at < $2`;

// One statement, so a failure leaves either the earlier run's row or none, never a half-written one.
const UPSERT_SQL = `
  insert into daily_stats (day, time_zone, uploads, upload_bytes, uploads_by_type, bytes_by_type,
                           variants, quarantined, orphans_deleted, computed_at)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
  on conflict (day) do update set
    time_zone = excluded.time_zone,
    uploads = excluded.uploads,
    upload_bytes = excluded.upload_bytes,
    uploads_by_type = excluded.uploads_by_type,
    bytes_by_type = excluded.bytes_by_type,
    variants = excluded.variants,
    quarantined = excluded.quarantined,
    orphans_deleted = excluded.orphans_deleted,
    computed_at = excluded.computed_at`;

/**
 * The StatsDatabase port over node-postgres. A fresh connection per run: the function runs once a day, so
 * a pooled connection would only ever be a stale one (RDS drops idle connections, Lambda freezes sockets).
 */
export const createPgStatsDatabase = (options: PgStatsDatabaseOptions): StatsDatabase => ({
  async connect(): Promise<StatsSession> {
    // pg (and the node:net, tls and crypto it requires) loads on the first connect, not at init: ~17 ms
    // moved out of the cold start's Init, paid by the first invocation instead (README, "Cold start").
    const { default: pg } = await import("pg");
    let client: pg.Client;
    try {
      client = new pg.Client({
        ...(await options.connectionConfig()),
        application_name: "daily-stats",
        connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
        statement_timeout: options.statementTimeoutMs ?? 30_000,
      });
      await client.connect();
    } catch (error) {
      throw new StatsDatabaseError("connect", error);
    }
    // A connection dropped while idle is emitted as 'error'; unheard, it would crash the runtime. The next
    // query fails on the closed client and reports it as a step failure instead.
    client.on("error", () => {});
    return {
      async orphansDeleted(start, end) {
        try {
          const result = await client.query<{ deleted: string }>(ORPHANS_DELETED_SQL, [start, end]);
          return Number(result.rows[0]?.deleted ?? 0);
        } catch (error) {
          throw new StatsDatabaseError("read cleanup runs", error);
        }
      },
      async saveDailyStats(stats: DailyStats) {
        try {
          await client.query(UPSERT_SQL, [
            stats.day,
            stats.timeZone,
            stats.uploads,
            stats.uploadBytes,
            JSON.stringify(stats.uploadsByType),
            JSON.stringify(stats.bytesByType),
            stats.variants,
            stats.quarantined,
            stats.orphansDeleted,
            stats.computedAt,
          ]);
        } catch (error) {
          throw new StatsDatabaseError("save daily stats", error);
        }
      },
      async close() {
        await client.end().catch(() => {});
      },
    };
  },
});
