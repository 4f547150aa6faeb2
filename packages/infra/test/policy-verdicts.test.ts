import { resourcePolicies, stackPolicies } from "@lambda-lab/policy/policies";
import { checkResource, checkStack, type Violation } from "@lambda-lab/policy/testing";
import { describe, expect, it } from "vitest";
import { type ProgramRun, runProgram, STACKS } from "./harness.js";

/** Applies the whole policy pack to a mocked run: resource rules see inputs, stack rules see outputs. */
const verdicts = async (run: ProgramRun): Promise<Violation[]> => {
  const stack = run.config.stack;
  const config = { accountConcurrencyLimit: run.config.concurrency.accountLimit };
  const violations: Violation[] = [];
  for (const resource of run.created) {
    for (const policy of resourcePolicies) {
      violations.push(
        ...(await checkResource(policy, {
          type: resource.type,
          name: resource.name,
          props: resource.inputs,
          stack,
          protect: resource.protect,
        })),
      );
    }
  }
  const resources = run.created.map((r) => ({ type: r.type, name: r.name, props: r.state, stack }));
  for (const policy of stackPolicies) violations.push(...(await checkStack(policy, resources, config)));
  return violations;
};

describe("the policy pack's verdicts on the program", () => {
  it.each(STACKS)("finds no violation in the %s stack", async (stack) => {
    expect(await verdicts(await runProgram(stack))).toEqual([]);
  });

  it("catches a protected stack's database without deletion protection or final snapshot", async () => {
    const run = await runProgram("prod", {
      "lambda-lab:databaseDeletionProtection": false,
      "lambda-lab:databaseFinalSnapshot": false,
    });
    const found = (await verdicts(run)).map((v) => `${v.policy}: ${v.message}`);
    expect(found).toEqual([
      "rds-protected-stack: stack prod protects its database: deletionProtection must be true",
      "rds-protected-stack: stack prod protects its database: skipFinalSnapshot must be false",
    ]);
  });
});

describe("protection follows the stack's protect flag", () => {
  it("holds an unprotected stack's database to nothing, whatever the stack is called", async () => {
    const run = await runProgram("prod", {
      "lambda-lab:protect": false,
      "lambda-lab:databaseDeletionProtection": false,
      "lambda-lab:databaseFinalSnapshot": false,
    });
    const found = (await verdicts(run)).filter((v) => v.policy === "rds-protected-stack");
    expect(found).toEqual([]);
  });

  it("holds a protected dev stack's database to deletion protection", async () => {
    const run = await runProgram("dev", { "lambda-lab:protect": true });
    const found = (await verdicts(run))
      .filter((v) => v.policy === "rds-protected-stack")
      .map((v) => v.message);
    expect(found).toEqual([
      "stack dev protects its database: deletionProtection must be true",
      "stack dev protects its database: skipFinalSnapshot must be false",
    ]);
  });
});
