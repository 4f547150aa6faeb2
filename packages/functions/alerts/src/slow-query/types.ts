import type { SqlDialect } from "../sql-normalise.js";

/** One slow statement, already normalised: nothing here may carry a literal or a parameter value. */
export interface SlowQuery {
  engine: SqlDialect;
  durationMs: number;
  /** Normalised (literals → `?`), not yet truncated. */
  statement: string;
  /** PostgreSQL: statement (simple protocol) or parse / bind / execute (extended); MySQL: query. */
  phase: "statement" | "parse" | "bind" | "execute" | "query";
  database?: string;
  user?: string;
  /** The client's values for `$n` were logged (PostgreSQL DETAIL line) and withheld. */
  parametersWithheld: boolean;
  /** The log's own timestamp text, e.g. `2026-11-25 17:03:17 UTC`. */
  loggedAt?: string;
  lockMs?: number;
  rowsSent?: number;
  rowsExamined?: number;
}

export interface SlowQueryParse {
  queries: SlowQuery[];
  /** Log records that were not slow statements (connections, checkpoints, errors…): counted, not reported. */
  otherRecords: number;
}
