/**
 * A small evaluator of GitHub Actions expressions, enough for the `if:`, `environment:` and `with:` values
 * of this repository's workflows: literals, context paths, `!`, `==`, `!=`, `&&`, `||`, parentheses and
 * fromJSON() and the status functions. Semantics follow GitHub's "Evaluate expressions in workflows and actions" reference: `&&` and `||`
 * return an operand (not a boolean), strings compare case-insensitively, and mismatched types compare as
 * numbers (null → 0, '' → 0). Anything else is refused by name, so a workflow never gets a verdict it was
 * not understood for.
 */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Context = Record<string, Value>;

export class ExpressionError extends Error {}

type Token =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "word"; value: string }
  | { kind: "op"; value: string };

const tokenize = (source: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const op = /^(==|!=|&&|\|\||!|\(|\)|,)/.exec(rest);
    if (op) {
      tokens.push({ kind: "op", value: op[0] });
      i += op[0].length;
      continue;
    }
    if (rest.startsWith("'")) {
      // GitHub escapes a quote inside a string literal by doubling it.
      const literal = /^'((?:[^']|'')*)'/.exec(rest);
      if (!literal) throw new ExpressionError(`unterminated string in ${JSON.stringify(source)}`);
      tokens.push({ kind: "string", value: (literal[1] ?? "").replace(/''/g, "'") });
      i += literal[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(rest);
    if (number) {
      tokens.push({ kind: "number", value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*/.exec(rest);
    if (word) {
      tokens.push({ kind: "word", value: word[0] });
      i += word[0].length;
      continue;
    }
    throw new ExpressionError(`unsupported syntax at ${JSON.stringify(rest)} in ${JSON.stringify(source)}`);
  }
  return tokens;
};

const STATUS_FUNCTIONS: Record<string, boolean> = {
  always: true,
  success: true,
  failure: false,
  cancelled: false,
};

const truthy = (v: Value): boolean => !(v === false || v === null || v === "" || v === 0 || Number.isNaN(v));

const toNumber = (v: Value): number => {
  if (v === null) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  if (typeof v === "string") return v.trim() === "" ? 0 : Number(v);
  return Number.NaN;
};

const equals = (a: Value, b: Value): boolean => {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (typeof a === "object" && a !== null) return a === b;
  return toNumber(a) === toNumber(b);
};

const lookup = (path: string, context: Context): Value => {
  let value: Value = context;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
    value = (value as Record<string, Value>)[part] ?? null;
  }
  return value;
};

/** Evaluates one expression (the text inside `${{ }}`, or a bare `if:`). */
export const evaluate = (source: string, context: Context): Value => {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (op?: string) => {
    const token = tokens[pos];
    if (!token || (op !== undefined && !(token.kind === "op" && token.value === op)))
      throw new ExpressionError(`expected ${op ?? "a value"} in ${JSON.stringify(source)}`);
    pos += 1;
    return token;
  };
  const isOp = (op: string) => peek()?.kind === "op" && peek()?.value === op;

  const primary = (): Value => {
    const token = take();
    if (token.kind === "string" || token.kind === "number") return token.value;
    if (token.kind === "op" && token.value === "(") {
      const value = or();
      take(")");
      return value;
    }
    if (token.kind === "word") {
      if (token.value === "true") return true;
      if (token.value === "false") return false;
      if (token.value === "null") return null;
      if (isOp("(")) {
        take("(");
        // Status checks: the model asks what runs when every earlier step succeeded.
        const status = STATUS_FUNCTIONS[token.value.toLowerCase()];
        if (status !== undefined) {
          take(")");
          return status;
        }
        const argument = or();
        take(")");
        if (token.value.toLowerCase() !== "fromjson")
          throw new ExpressionError(
            `function ${token.value}() is not supported in ${JSON.stringify(source)}`,
          );
        if (typeof argument !== "string")
          throw new ExpressionError(`fromJSON() of a non-string in ${source}`);
        return JSON.parse(argument) as Value;
      }
      return lookup(token.value, context);
    }
    throw new ExpressionError(`unexpected ${JSON.stringify(token.value)} in ${JSON.stringify(source)}`);
  };
  const unary = (): Value => {
    if (isOp("!")) {
      take("!");
      return !truthy(unary());
    }
    return primary();
  };
  const comparison = (): Value => {
    const left = unary();
    if (isOp("==") || isOp("!=")) {
      const op = take().value;
      const right = unary();
      return op === "==" ? equals(left, right) : !equals(left, right);
    }
    return left;
  };
  const and = (): Value => {
    let left = comparison();
    while (isOp("&&")) {
      take("&&");
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (isOp("||")) {
      take("||");
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };

  const value = or();
  if (pos !== tokens.length) throw new ExpressionError(`trailing input in ${JSON.stringify(source)}`);
  return value;
};

const INTERPOLATION = /\$\{\{([\s\S]*?)\}\}/g;

/** A workflow string with `${{ }}` parts. A value that is exactly one expression keeps its type. */
export const interpolate = (text: string, context: Context): Value => {
  const whole = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(text);
  if (whole) return evaluate(whole[1] ?? "", context);
  return text.replace(INTERPOLATION, (_, expression: string) => {
    const value = evaluate(expression, context);
    return value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  });
};

/** An `if:` condition: written with or without `${{ }}`, true when the result is truthy. */
export const condition = (text: string | boolean | undefined, context: Context): boolean => {
  if (text === undefined) return true;
  if (typeof text === "boolean") return text;
  return truthy(/^\s*\$\{\{/.test(text) ? interpolate(text, context) : evaluate(text, context));
};

/** Writes `${{ expression }}` (built, so the source holds no template-looking string literal). */
export const expression = (source: string) => `${"$"}{{ ${source} }}`;
