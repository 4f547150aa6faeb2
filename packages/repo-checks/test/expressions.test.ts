import { describe, expect, it } from "vitest";
import { condition, ExpressionError, evaluate, expression, interpolate } from "./expressions.js";

// The security tests read `if:` and `environment:` through this evaluator, so it must agree with GitHub's.
describe("the expression evaluator", () => {
  const environment = "github.event_name == 'push' && 'dev' || inputs.stack";

  it("returns operands from && and ||, as GitHub does (the deploy job's environment)", () => {
    expect(evaluate(environment, { github: { event_name: "push" }, inputs: {} })).toBe("dev");
    expect(
      evaluate(environment, { github: { event_name: "workflow_dispatch" }, inputs: { stack: "prod" } }),
    ).toBe("prod");
  });

  it("compares strings case-insensitively and missing values as null, which equals ''", () => {
    expect(evaluate("github.ref == 'REFS/HEADS/MAIN'", { github: { ref: "refs/heads/main" } })).toBe(true);
    expect(evaluate("env.MISSING == ''", { env: {} })).toBe(true);
    expect(evaluate("!(env.X != 'a')", { env: { X: "a" } })).toBe(true);
  });

  it("reads fromJSON lists and the status functions", () => {
    expect(
      interpolate(expression("fromJSON(needs.s.outputs.list)"), {
        needs: { s: { outputs: { list: '["prod"]' } } },
      }),
    ).toEqual(["prod"]);
    expect(condition("always()", {})).toBe(true);
    expect(condition(expression("failure()"), {})).toBe(false);
  });

  it("refuses what it does not model instead of guessing", () => {
    expect(() => evaluate("contains(github.ref, 'main')", { github: {} })).toThrow(ExpressionError);
    expect(() => evaluate("github.ref >= 'a'", { github: {} })).toThrow(ExpressionError);
  });
});
