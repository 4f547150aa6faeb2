import { describe, expect, it } from "vitest";
import { normaliseSql, truncateStatement } from "../../src/sql-normalise.js";

describe("normaliseSql", () => {
  it.each([
    ["select pg_sleep(0.1), 'secret''s' as s, 42", "select pg_sleep(?), ? as s, ?"],
    ["select * from t1 where col_2 = 17 and x > -3.5e-2", "select * from t1 where col_2 = ? and x > -?"],
    ["select E'a\\'b', B'1010', X'1F', N'x', U&'d\\0061t'", "select ?, ?, ?, ?, ?"],
    ["select $tag$ it's $x$ body $tag$, $$plain$$", "select ?, ?"],
    ["select $1::text, $2 from t where id = $10", "select $1::text, $2 from t where id = $10"],
    ['select "Col 1", "x""y" from "My Table"', 'select "Col 1", "x""y" from "My Table"'],
    ["select 1 -- secret 42\n, 2 /* hidden 'x' /* nested */ still */ from t", "select ? , ? from t"],
    ["select  a,\n\t b\n  from   t ;  ", "select a, b from t"],
    ["select '{1,2}'::int[], interval '1 day', 0x1F, .5", "select ?::int[], interval ?, ?, ?"],
  ])("postgresql: %s", (sql, expected) => {
    expect(normaliseSql(sql, "postgresql")).toBe(expected);
  });

  it.each([
    [
      "SELECT * FROM users WHERE email = \"a@b.c\" AND name = 'O\\'Brien'",
      "SELECT * FROM users WHERE email = ? AND name = ?",
    ],
    [
      "select `weird col` from `t` # trailing secret 99\nwhere id = 7",
      "select `weird col` from `t` where id = ?",
    ],
    ["select _utf8mb4'x' collate utf8mb4_bin, ?", "select _utf8mb4? collate utf8mb4_bin, ?"],
  ])("mysql: %s", (sql, expected) => {
    expect(normaliseSql(sql, "mysql")).toBe(expected);
  });

  it("collapses IN lists of any length so they normalise to one statement", () => {
    const three = normaliseSql("select * from t where id in (1, 2, 3)", "postgresql");
    const five = normaliseSql("select * from t where id IN (4,5,6,7,8)", "postgresql");

    expect(three).toBe("select * from t where id in (?, …)");
    expect(five).toBe("select * from t where id IN (?, …)");
  });

  it("swallows an unterminated literal instead of leaking its tail", () => {
    expect(normaliseSql("select 'never closed password=hunter2", "postgresql")).toBe("select ?");
    expect(normaliseSql("select $q$ never closed hunter2", "postgresql")).toBe("select ?");
  });

  it("keeps digits that are part of identifiers", () => {
    expect(normaliseSql("select t2.c3 from s1.t2", "postgresql")).toBe("select t2.c3 from s1.t2");
  });
});

describe("truncateStatement", () => {
  it("leaves short statements alone", () => {
    expect(truncateStatement("select ?", 10)).toBe("select ?");
  });

  it("cuts to the limit including the ellipsis", () => {
    const cut = truncateStatement("select a, b, c from t", 10);

    expect(cut).toBe("select a,…");
    expect(cut).toHaveLength(10);
  });

  it("does not split a surrogate pair", () => {
    expect(truncateStatement("select '😀😀😀'", 9)).toBe("select '…");
    expect(truncateStatement("ab😀cd", 4)).toBe("ab…");
  });
});
