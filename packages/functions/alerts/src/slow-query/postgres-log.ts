import { normaliseSql } from "../sql-normalise.js";
import type { SlowQuery, SlowQueryParse } from "./types.js";

/**
 * RDS's `log_line_prefix` `%t:%r:%u@%d:[%p]:` then `LEVEL:  `. `%r` is `host(port)`, `[local]` or empty,
 * and an IPv6 host has colons of its own, hence the lazy match anchored on `user@db:[pid]:`.
 */
const RECORD_START =
  /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?(?: [A-Za-z0-9+-]+)?):(.*?):([^@:]*)@([^:]*):\[(\d+)\]:([A-Z0-9]+):\s+/;

/** `duration: 101.579 ms  statement: …`, `… ms  execute <unnamed>: …`, `… ms  bind S_1/C_1: …`. */
const DURATION = /^duration: (\d+(?:\.\d+)?) ms {2}(statement|parse|bind|execute)(?: [^:\n]*)?: ?([\s\S]*)$/;
const PARAMETERS = /^parameters: /i;

interface LogRecord {
  loggedAt: string;
  user: string;
  database: string;
  pid: string;
  level: string;
  body: string;
}

/** Splits log messages into records: a prefixed line starts one, unprefixed lines (tab-indented) continue it. */
const toRecords = (messages: readonly string[]): { records: LogRecord[]; strayLines: number } => {
  const records: LogRecord[] = [];
  let strayLines = 0;
  for (const message of messages) {
    let current: LogRecord | undefined;
    for (const line of message.split("\n")) {
      const match = RECORD_START.exec(line);
      if (match) {
        current = {
          loggedAt: match[1] as string,
          user: match[3] as string,
          database: match[4] as string,
          pid: match[5] as string,
          level: match[6] as string,
          body: line.slice(match[0].length),
        };
        records.push(current);
      } else if (current) {
        current.body += `\n${line.replace(/^\t/, "")}`;
      } else if (line.trim() !== "") {
        strayLines++;
      }
    }
  }
  return { records, strayLines };
};

/**
 * Slow statements from RDS PostgreSQL log events (`log_min_duration_statement`). The `DETAIL:  Parameters:`
 * record that follows an extended-protocol statement — in the same log event or the next — only marks
 * the query as having withheld parameters; its values are dropped here.
 */
export const parsePostgresLog = (messages: readonly string[]): SlowQueryParse => {
  const { records, strayLines } = toRecords(messages);
  const queries: SlowQuery[] = [];
  const lastByPid = new Map<string, SlowQuery>();
  let otherRecords = strayLines;
  for (const record of records) {
    if (record.level === "DETAIL" && PARAMETERS.test(record.body)) {
      const query = lastByPid.get(record.pid);
      if (query) query.parametersWithheld = true;
      else otherRecords++;
      lastByPid.delete(record.pid);
      continue;
    }
    lastByPid.delete(record.pid);
    const match = record.level === "LOG" ? DURATION.exec(record.body) : null;
    if (!match) {
      otherRecords++;
      continue;
    }
    const query: SlowQuery = {
      engine: "postgresql",
      durationMs: Number(match[1]),
      statement: normaliseSql(match[3] as string, "postgresql"),
      phase: match[2] as SlowQuery["phase"],
      parametersWithheld: false,
      loggedAt: record.loggedAt,
      ...(record.database ? { database: record.database } : {}),
      ...(record.user ? { user: record.user } : {}),
    };
    queries.push(query);
    lastByPid.set(record.pid, query);
  }
  return { queries, otherRecords };
};
