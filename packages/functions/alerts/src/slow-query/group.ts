import { createHash } from "node:crypto";
import type { SlowQuery } from "./types.js";

/** Executions of one normalised statement (same log group, engine and database) within one event. */
export interface SlowQueryGroup {
  fingerprint: string;
  engine: SlowQuery["engine"];
  database?: string;
  statement: string;
  users: string[];
  phases: SlowQuery["phase"][];
  count: number;
  maxMs: number;
  totalMs: number;
  parametersWithheld: boolean;
  /** MySQL: the most rows one execution examined (a full scan shows here). */
  maxRowsExamined?: number;
}

export const fingerprintOf = (scope: string, query: Pick<SlowQuery, "engine" | "database" | "statement">) =>
  createHash("sha256")
    .update(`${scope}\0${query.engine}\0${query.database ?? ""}\0${query.statement}`)
    .digest("base64url")
    .slice(0, 22);

/** Many slow queries → one entry per normalised statement, slowest first. */
export const groupSlowQueries = (queries: readonly SlowQuery[], scope: string): SlowQueryGroup[] => {
  const groups = new Map<string, SlowQueryGroup>();
  for (const query of queries) {
    const fingerprint = fingerprintOf(scope, query);
    let group = groups.get(fingerprint);
    if (!group) {
      group = {
        fingerprint,
        engine: query.engine,
        ...(query.database !== undefined ? { database: query.database } : {}),
        statement: query.statement,
        users: [],
        phases: [],
        count: 0,
        maxMs: 0,
        totalMs: 0,
        parametersWithheld: false,
      };
      groups.set(fingerprint, group);
    }
    group.count++;
    group.maxMs = Math.max(group.maxMs, query.durationMs);
    group.totalMs += query.durationMs;
    group.parametersWithheld ||= query.parametersWithheld;
    if (query.rowsExamined !== undefined)
      group.maxRowsExamined = Math.max(group.maxRowsExamined ?? 0, query.rowsExamined);
    if (query.user !== undefined && !group.users.includes(query.user)) group.users.push(query.user);
    if (!group.phases.includes(query.phase)) group.phases.push(query.phase);
  }
  return [...groups.values()].sort((a, b) => b.maxMs - a.maxMs || b.count - a.count);
};
