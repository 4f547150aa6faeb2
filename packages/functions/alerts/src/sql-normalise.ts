export type SqlDialect = "postgresql" | "mysql";

const isSpace = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f";
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isIdentStart = (c: string | undefined) =>
  c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c > "\u007f");
const isIdentPart = (c: string | undefined) => isIdentStart(c) || isDigit(c) || c === "$";
const isHexDigit = (c: string | undefined) =>
  c !== undefined && (isDigit(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F"));

/** Index just past a quoted run starting at `start` (the opening quote); runs to the end when unterminated. */
const skipQuoted = (sql: string, start: number, quote: string, backslashEscapes: boolean): number => {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === "\\") {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
};

/** PostgreSQL `$tag$…$tag$` (tag may be empty); undefined when `start` is not a dollar-quote opener. */
const skipDollarQuoted = (sql: string, start: number): number | undefined => {
  let i = start + 1;
  while (i < sql.length && sql[i] !== "$") {
    if (!isIdentPart(sql[i])) return undefined;
    i++;
  }
  if (i >= sql.length) return undefined;
  const tag = sql.slice(start, i + 1);
  if (tag.length > 2 && isDigit(tag[1])) return undefined;
  const end = sql.indexOf(tag, i + 1);
  return end === -1 ? sql.length : end + tag.length;
};

/** Index just past a numeric literal starting at `start`: 12, 1.5, .5, 1e-3, 0x1F. */
const skipNumber = (sql: string, start: number): number => {
  let i = start;
  if (sql[i] === "0" && (sql[i + 1] === "x" || sql[i + 1] === "X") && isHexDigit(sql[i + 2])) {
    i += 2;
    while (isHexDigit(sql[i])) i++;
    return i;
  }
  while (isDigit(sql[i])) i++;
  if (sql[i] === "." && sql[i + 1] !== ".") {
    i++;
    while (isDigit(sql[i])) i++;
  }
  if (
    (sql[i] === "e" || sql[i] === "E") &&
    (isDigit(sql[i + 1]) || (/[+-]/.test(sql[i + 1] ?? "") && isDigit(sql[i + 2])))
  ) {
    i += 2;
    while (isDigit(sql[i])) i++;
  }
  return i;
};

const skipBlockComment = (sql: string, start: number, nested: boolean): number => {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === "/" && sql[i + 1] === "*" && (nested || depth === 0)) {
      depth++;
      i += 2;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
};

/** `IN (?, ?, ?)` of any length becomes `IN (?, …)`, so lists of different sizes are one query. */
const collapseInLists = (sql: string) => sql.replace(/\b(in) \(\?(?: ?, ?\?)+\)/gi, "$1 (?, …)");

/**
 * The shape of a statement without its data: every literal (strings, E'' / B'' / X'' / N'' strings,
 * dollar-quoted bodies, numbers, and MySQL's double-quoted strings) becomes `?`, comments go (they can
 * carry data too), whitespace collapses. Identifiers, keywords and `$1` / `?` placeholders stay.
 * A tokenizer rather than regexes, so `t1`, `"col 2"` and `'it''s'` are told apart correctly and an
 * unterminated literal is swallowed whole instead of leaking.
 */
export const normaliseSql = (sql: string, dialect: SqlDialect): string => {
  let out = "";
  let space = false;
  const emit = (token: string) => {
    if (space && out.length > 0) out += " ";
    space = false;
    out += token;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (isSpace(c)) {
      space = true;
      i++;
    } else if ((c === "-" && next === "-") || (c === "#" && dialect === "mysql")) {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end + 1;
      space = true;
    } else if (c === "/" && next === "*") {
      i = skipBlockComment(sql, i, dialect === "postgresql");
      space = true;
    } else if (c === "'") {
      i = skipQuoted(sql, i, "'", dialect === "mysql");
      emit("?");
    } else if (/[eEbBxXnN]/.test(c) && next === "'") {
      // Only reached at a token start (identifiers are consumed whole), so this is a literal prefix.
      i = skipQuoted(sql, i + 1, "'", dialect === "mysql" || c === "e" || c === "E");
      emit("?");
    } else if ((c === "u" || c === "U") && next === "&" && sql[i + 2] === "'") {
      i = skipQuoted(sql, i + 2, "'", false);
      emit("?");
    } else if (c === '"') {
      const end = skipQuoted(sql, i, '"', dialect === "mysql");
      if (dialect === "mysql") emit("?");
      else emit(sql.slice(i, end)); // a PostgreSQL identifier, not data
      i = end;
    } else if (c === "`") {
      const end = skipQuoted(sql, i, "`", false);
      emit(sql.slice(i, end));
      i = end;
    } else if (c === "$" && isDigit(next)) {
      let end = i + 1;
      while (isDigit(sql[end])) end++;
      emit(sql.slice(i, end));
      i = end;
    } else if (c === "$" && dialect === "postgresql" && skipDollarQuoted(sql, i) !== undefined) {
      i = skipDollarQuoted(sql, i) ?? sql.length;
      emit("?");
    } else if (isDigit(c) || (c === "." && isDigit(next) && (space || !isIdentPart(out.at(-1))))) {
      i = skipNumber(sql, i);
      emit("?");
    } else if (isIdentStart(c)) {
      let end = i + 1;
      while (isIdentPart(sql[end])) end++;
      emit(sql.slice(i, end));
      i = end;
    } else {
      emit(c);
      i++;
    }
  }
  return collapseInLists(out.replace(/[\s;]+$/, ""));
};

/** Cuts after normalising (never before: a cut literal could leak) and marks the cut. */
export const truncateStatement = (statement: string, maxChars: number): string => {
  if (statement.length <= maxChars) return statement;
  let cut = statement.slice(0, Math.max(0, maxChars - 1));
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
};
