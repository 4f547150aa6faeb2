import { describe, expect, it } from "vitest";
import { parseMysqlSlowLog } from "../../src/slow-query/mysql-slow-log.js";

const entry = (statement: string, { time = true, use = "" } = {}) =>
  [
    ...(time ? ["# Time: 2026-11-25T17:03:17.123456Z"] : []),
    "# User@Host: lab[lab] @  [10.0.1.23]  Id:    42",
    "# Query_time: 2.000212  Lock_time: 0.000105 Rows_sent: 1  Rows_examined: 50000",
    ...(use ? [`use ${use};`] : []),
    "SET timestamp=1795626197;",
    statement,
  ].join("\n");

describe("parseMysqlSlowLog", () => {
  it("reads one entry per log event, with the database from `use`", () => {
    const { queries, otherRecords } = parseMysqlSlowLog([
      entry("SELECT SLEEP(2), 'secret';", { use: "lab" }),
    ]);

    expect(otherRecords).toBe(0);
    expect(queries).toEqual([
      {
        engine: "mysql",
        durationMs: 2000.212,
        lockMs: 0.105,
        rowsSent: 1,
        rowsExamined: 50000,
        statement: "SELECT SLEEP(?), ?",
        phase: "query",
        parametersWithheld: false,
        loggedAt: "2026-11-25T17:03:17.123456Z",
        user: "lab",
        database: "lab",
      },
    ]);
  });

  it("splits several entries in one message, with or without `# Time:`, and keeps the database", () => {
    const { queries } = parseMysqlSlowLog([
      `${entry("select * from images\nwhere owner = 'u1'\n  and id > 10;", { use: "`lab`" })}\n${entry("select 2;", { time: false })}`,
    ]);

    expect(queries.map((q) => [q.statement, q.database])).toEqual([
      ["select * from images where owner = ? and id > ?", "lab"],
      ["select ?", "lab"],
    ]);
  });

  it("reads an entry spread over several log events", () => {
    const lines = entry("select 3;").split("\n");

    const { queries } = parseMysqlSlowLog(lines);

    expect(queries).toHaveLength(1);
    expect(queries[0]?.statement).toBe("select ?");
  });

  it("counts the server banner and incomplete entries without reporting them", () => {
    const { queries, otherRecords } = parseMysqlSlowLog([
      "/rdsdbbin/mysql/bin/mysqld, Version: 8.0.40 (Source distribution). started with:\n" +
        "Tcp port: 3306  Unix socket: /tmp/mysql.sock\nTime                 Id Command    Argument",
      "# Time: 2026-11-25T17:03:17.123456Z\n# User@Host: lab[lab] @  [10.0.1.23]  Id:    42",
    ]);

    expect(queries).toEqual([]);
    expect(otherRecords).toBe(4);
  });
});
