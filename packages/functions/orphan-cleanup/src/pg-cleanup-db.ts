import type pg from "pg";
import type { CleanupRunRow, ImageRefs, RunLedger } from "./ports.js";

export interface CleanupDb extends ImageRefs, RunLedger {
  close(): Promise<void>;
}

export interface PgCleanupDbOptions {
  /** A hung database must not eat the invocation: queries give up well inside the safety margin. */
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** An idle connection dropped by the server (failover, restart); the next query reconnects. */
  onIdleError?: (error: Error) => void;
}

/**
 * ImageRefs and RunLedger over PostgreSQL. The connection config is resolved on first use (it may need a
 * Secrets Manager call), never at import, and the one-connection pool is kept across warm invocations.
 */
export const createPgCleanupDb = (
  connectionConfig: () => Promise<pg.ClientConfig>,
  options: PgCleanupDbOptions = {},
): CleanupDb => {
  let pool: Promise<pg.Pool> | undefined;
  const getPool = (): Promise<pg.Pool> => {
    // pg (and the node:net, tls and crypto it requires) loads on the first query, not at init: ~17 ms moved
    // out of the cold start's Init, paid by the first invocation instead (README, "Cold start").
    pool ??= Promise.all([connectionConfig(), import("pg")]).then(
      ([config, { default: pg }]) => {
        const created = new pg.Pool({
          ...config,
          max: 1,
          connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
          statement_timeout: options.statementTimeoutMs ?? 30_000,
          query_timeout: (options.statementTimeoutMs ?? 30_000) + 5_000,
          application_name: "orphan-cleanup",
        });
        created.on("error", (error) => options.onIdleError?.(error));
        return created;
      },
      (error: unknown) => {
        pool = undefined;
        throw error;
      },
    );
    return pool;
  };

  return {
    async keysAfter(after, limit) {
      const result = await (await getPool()).query<{ key: string }>({
        name: "orphan-cleanup-keys-after",
        // The column is COLLATE "C", so `>` and ORDER BY use byte order: the order S3 lists in.
        text: "select key from images where key > $1 order by key limit $2",
        values: [after, limit],
      });
      return result.rows.map((row) => row.key);
    },

    async referencedAmong(keys) {
      const result = await (await getPool()).query<{ key: string }>({
        name: "orphan-cleanup-referenced-among",
        text: "select key from images where key = any($1::text[])",
        values: [keys],
      });
      return new Set(result.rows.map((row) => row.key));
    },

    async save(row: CleanupRunRow) {
      await (await getPool()).query({
        name: "orphan-cleanup-save-run",
        text: `insert into cleanup_runs (run_id, started_at, finished_at, dry_run, status, scanned, deleted, report)
               values ($1, $2, $3, $4, $5, $6, $7, $8)
               on conflict (run_id) do update set
                 finished_at = excluded.finished_at, status = excluded.status, scanned = excluded.scanned,
                 deleted = excluded.deleted, report = excluded.report`,
        values: [
          row.runId,
          row.startedAt,
          row.finishedAt ?? null,
          row.dryRun,
          row.status,
          row.scanned,
          row.deleted,
          JSON.stringify(row.report),
        ],
      });
    },

    async close() {
      const current = pool;
      pool = undefined;
      if (current) await (await current.catch(() => undefined))?.end();
    },
  };
};
