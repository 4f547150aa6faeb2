import { describe, expect, it } from "vitest";
import { createRun, failed, type StepResult } from "../../src/run.js";
import { renderMarkdown, renderTable } from "../../src/table.js";

/** A clock that advances by the given steps, so timings are exact. */
const ticking = (...times: number[]) => {
  let i = 0;
  return () => times[Math.min(i++, times.length - 1)]!;
};

describe("createRun", () => {
  it("times each step, records its detail, and turns a thrown error into a diagnosed failure", async () => {
    // Prepare
    const run = createRun({ clock: ticking(0, 120, 200, 1700) });
    // Act
    const value = await run.step("first", { service: "s3", resource: "b/k" }, async () => ({
      value: 42,
      detail: "ok",
    }));
    const none = await run.step(
      "second",
      { service: "lambda", resource: "fn", action: "lambda:InvokeFunction" },
      async () => {
        throw Object.assign(
          new Error(
            "User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:eu-west-1:1:function:fn",
          ),
          {
            name: "AccessDeniedException",
          },
        );
      },
    );
    run.skip("third", "needs the second");
    // Assess
    expect(value).toBe(42);
    expect(none).toBeUndefined();
    expect(run.results).toEqual([
      { name: "first", status: "pass", durationMs: 120, detail: "ok", resource: "b/k" },
      {
        name: "second",
        status: "fail",
        durationMs: 1500,
        detail: expect.stringContaining("AccessDeniedException"),
        resource: "fn",
        cause:
          "IAM: the smoke runner's role needs an Allow for lambda:InvokeFunction on arn:aws:lambda:eu-west-1:1:function:fn",
      },
      { name: "third", status: "skip", durationMs: 0, detail: "needs the second" },
    ]);
    expect(failed(run.results)).toBe(true);
  });

  it("a run of passes and deliberate skips has not failed", () => {
    expect(
      failed([
        { name: "a", status: "pass", durationMs: 1, detail: "" },
        { name: "b", status: "skip", durationMs: 0, detail: "" },
      ]),
    ).toBe(false);
  });
});

const results: StepResult[] = [
  { name: "stack outputs", status: "pass", durationMs: 812, detail: "stack dev: bucket b" },
  { name: "upload token", status: "skip", durationMs: 0, detail: "no token parameter" },
  {
    name: "orphan-cleanup dry run",
    status: "fail",
    durationMs: 120_400,
    detail: "lambda-lab-dev-orphan-cleanup failed: Sandbox.Timedout",
    resource: "lambda-lab-dev-orphan-cleanup",
    cause: "timeout: a VPC function…",
  },
];

describe("renderTable", () => {
  it("prints every row with its result and time, then each failure's resource and cause", () => {
    expect(renderTable("Smoke test: stack dev", results)).toBe(
      [
        "Smoke test: stack dev",
        "  step                    result     time  detail",
        "  stack outputs           PASS     812 ms  stack dev: bucket b",
        "  upload token            SKIP          —  no token parameter",
        "  orphan-cleanup dry run  FAIL    120.4 s  lambda-lab-dev-orphan-cleanup failed: Sandbox.Timedout",
        "",
        "FAILED: 1 of 3 steps",
        "  ✗ orphan-cleanup dry run — lambda-lab-dev-orphan-cleanup",
        "      what:  lambda-lab-dev-orphan-cleanup failed: Sandbox.Timedout",
        "      cause: timeout: a VPC function…",
        "",
      ].join("\n"),
    );
  });

  it("ends with PASSED and the total time when nothing failed", () => {
    expect(renderTable("t", results.slice(0, 2))).toContain("PASSED: 1 steps in 812 ms");
  });

  it("cuts a long detail in the table but keeps it whole under the failure", () => {
    const long = "x".repeat(300);
    const text = renderTable("t", [{ name: "s", status: "fail", durationMs: 1, detail: long, cause: "c" }]);
    expect(text).toContain(`${"x".repeat(99)}…`);
    expect(text).toContain(`what:  ${long}`);
  });
});

describe("renderMarkdown", () => {
  it("is a GitHub table whose cells cannot break out of their column", () => {
    const md = renderMarkdown("Smoke | dev", [
      { name: "a|b", status: "fail", durationMs: 5, detail: "x\ny", cause: "c|d" },
    ]);
    expect(md).toBe(
      "### Smoke \\| dev\n\n| step | result | time | detail | likely cause |\n| --- | --- | --- | --- | --- |\n| a\\|b | ❌ FAIL | 5 ms | x y | c\\|d |\n\n",
    );
  });
});
