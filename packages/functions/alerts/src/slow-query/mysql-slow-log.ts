import { normaliseSql } from "../sql-normalise.js";
import type { SlowQuery, SlowQueryParse } from "./types.js";

const TIME = /^# Time: (.+)$/;
const USER_HOST = /^# User@Host: ([^[\s]*)\[[^\]]*\]\s*@/;
const QUERY_TIME =
  /^# Query_time: (\d+(?:\.\d+)?)\s+Lock_time: (\d+(?:\.\d+)?)\s+Rows_sent: (\d+)\s+Rows_examined: (\d+)/;
const USE = /^use ([^;]+);$/i;
const SET_TIMESTAMP = /^SET timestamp=\d+;$/i;

/** MySQL logs seconds with microsecond precision; round so 0.000105 s is 0.105 ms, not 0.10500000000000001. */
const secondsToMs = (seconds: string) => Math.round(Number(seconds) * 1e6) / 1e3;

interface Entry {
  loggedAt?: string;
  user?: string;
  queryTime?: { durationMs: number; lockMs: number; rowsSent: number; rowsExamined: number };
  lines: string[];
}

/**
 * Slow statements from the MySQL slow query log (`# Time:`, `# User@Host:`, `# Query_time: …`, optional
 * `use db;`, `SET timestamp=…;`, the statement). Parsed as one line stream, so an entry may be one log
 * event or span several. MySQL writes `use db;` only when the database changes, so the current database
 * carries over from entry to entry.
 */
export const parseMysqlSlowLog = (messages: readonly string[]): SlowQueryParse => {
  const queries: SlowQuery[] = [];
  let otherRecords = 0;
  let database: string | undefined;
  let entry: Entry | undefined;

  const flush = () => {
    if (!entry) return;
    const statement = entry.lines.join("\n").trim();
    if (entry.queryTime && statement !== "") {
      queries.push({
        engine: "mysql",
        durationMs: entry.queryTime.durationMs,
        lockMs: entry.queryTime.lockMs,
        rowsSent: entry.queryTime.rowsSent,
        rowsExamined: entry.queryTime.rowsExamined,
        statement: normaliseSql(statement, "mysql"),
        phase: "query",
        parametersWithheld: false,
        ...(entry.loggedAt ? { loggedAt: entry.loggedAt } : {}),
        ...(entry.user ? { user: entry.user } : {}),
        ...(database ? { database } : {}),
      });
    } else otherRecords++;
    entry = undefined;
  };

  for (const line of messages.flatMap((message) => message.split("\n"))) {
    const time = TIME.exec(line);
    const userHost = time ? null : USER_HOST.exec(line);
    const queryTime = time || userHost ? null : QUERY_TIME.exec(line);
    if (time) {
      flush();
      entry = { loggedAt: (time[1] as string).trim(), lines: [] };
    } else if (userHost) {
      // `# Time:` is omitted when several entries share a second, so User@Host may open an entry too.
      if (!entry || entry.user !== undefined || entry.lines.length > 0) {
        flush();
        entry = { lines: [] };
      }
      entry.user = userHost[1] as string;
    } else if (queryTime) {
      if (!entry || entry.queryTime || entry.lines.length > 0) {
        flush();
        entry = { lines: [] };
      }
      entry.queryTime = {
        durationMs: secondsToMs(queryTime[1] as string),
        lockMs: secondsToMs(queryTime[2] as string),
        rowsSent: Number(queryTime[3]),
        rowsExamined: Number(queryTime[4]),
      };
    } else if (entry?.queryTime && entry.lines.length === 0 && USE.test(line.trim())) {
      database = line.trim().slice(4, -1).replace(/`/g, "").trim();
    } else if (entry?.queryTime && entry.lines.length === 0 && SET_TIMESTAMP.test(line.trim())) {
      // The session timestamp MySQL prepends so the statement can be replayed; not part of the query.
    } else if (entry?.queryTime) {
      entry.lines.push(line);
    } else if (line.trim() !== "") {
      otherRecords++; // server banner (`Tcp port: …`, `Time  Id Command  Argument`) or a stray line
    }
  }
  flush();
  return { queries, otherRecords };
};
