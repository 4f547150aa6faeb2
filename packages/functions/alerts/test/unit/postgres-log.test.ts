import { describe, expect, it } from "vitest";
import { parsePostgresLog } from "../../src/slow-query/postgres-log.js";

const prefix = (pid = 4386, client = "127.0.0.1(59400)", userDb = "postgres@lab") =>
  `2026-11-25 17:03:17 UTC:${client}:${userDb}:[${pid}]:`;

describe("parsePostgresLog", () => {
  it("reads a simple-protocol slow statement behind the RDS prefix", () => {
    const { queries, otherRecords } = parsePostgresLog([
      `${prefix()}LOG:  duration: 101.579 ms  statement: select pg_sleep(0.1)`,
    ]);

    expect(otherRecords).toBe(0);
    expect(queries).toEqual([
      {
        engine: "postgresql",
        durationMs: 101.579,
        statement: "select pg_sleep(?)",
        phase: "statement",
        parametersWithheld: false,
        loggedAt: "2026-11-25 17:03:17 UTC",
        database: "lab",
        user: "postgres",
      },
    ]);
  });

  it("marks an extended-protocol execute whose DETAIL arrives as the next log event", () => {
    const { queries } = parsePostgresLog([
      `${prefix()}LOG:  duration: 60.132 ms  execute <unnamed>: select pg_sleep($1), $2::text as s`,
      `${prefix()}DETAIL:  Parameters: $1 = '0.06', $2 = 'hunter2'`,
    ]);

    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatchObject({
      phase: "execute",
      statement: "select pg_sleep($1), $2::text as s",
      parametersWithheld: true,
    });
    expect(JSON.stringify(queries)).not.toContain("hunter2");
  });

  it("reads the DETAIL line when it is in the same log event message", () => {
    const { queries, otherRecords } = parsePostgresLog([
      `${prefix()}LOG:  duration: 75.5 ms  execute S_1: select * from images where id = $1\n` +
        `${prefix()}DETAIL:  parameters: $1 = '42'`,
    ]);

    expect(otherRecords).toBe(0);
    expect(queries).toMatchObject([
      { durationMs: 75.5, parametersWithheld: true, statement: "select * from images where id = $1" },
    ]);
  });

  it("joins tab-indented continuation lines into the statement", () => {
    const { queries } = parsePostgresLog([
      `${prefix()}LOG:  duration: 60.161 ms  execute named-stmt: select pg_sleep($1)\n\t  , 1 as x`,
    ]);

    expect(queries[0]?.statement).toBe("select pg_sleep($1) , ? as x");
  });

  it("attaches a DETAIL only to the statement of the same backend process", () => {
    const { queries, otherRecords } = parsePostgresLog([
      `${prefix(1)}LOG:  duration: 80 ms  statement: select 1`,
      `${prefix(2)}LOG:  duration: 90 ms  execute <unnamed>: select $1`,
      `${prefix(1)}LOG:  connection authorized: user=postgres database=lab`,
      `${prefix(2)}DETAIL:  Parameters: $1 = 'x'`,
    ]);

    expect(queries.map((q) => [q.durationMs, q.parametersWithheld])).toEqual([
      [80, false],
      [90, true],
    ]);
    expect(otherRecords).toBe(1);
  });

  it("understands [local], IPv6 and empty client prefixes and the bind/parse phases", () => {
    const { queries } = parsePostgresLog([
      `${prefix(7, "[local]")}LOG:  duration: 51 ms  parse <unnamed>: select 1`,
      `${prefix(8, "::1(40000)", "app@shop")}LOG:  duration: 52 ms  bind S_1/C_1: select 2`,
      `2026-11-25 17:03:17.123 UTC::@:[9]:LOG:  duration: 53 ms  statement: vacuum`,
    ]);

    expect(queries.map((q) => [q.phase, q.user, q.database, q.durationMs])).toEqual([
      ["parse", "postgres", "lab", 51],
      ["bind", "app", "shop", 52],
      ["statement", undefined, undefined, 53],
    ]);
  });

  it("counts everything that is not a slow statement without reporting it", () => {
    const { queries, otherRecords } = parsePostgresLog([
      `${prefix()}LOG:  checkpoint starting: time`,
      `${prefix()}ERROR:  relation "nope" does not exist at character 15`,
      `${prefix()}STATEMENT:  select * from nope`,
      "initdb chatter without a prefix",
      `${prefix()}DETAIL:  Parameters: $1 = 'orphan'`,
    ]);

    expect(queries).toEqual([]);
    expect(otherRecords).toBe(5);
  });
});
