import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { FUNCTION_IDS, LAMBDA_NODE_RUNTIMES, parseStackConfig } from "../src/stack-config.js";
import { runProgram } from "./harness.js";
import { T } from "./wiring.js";

const runtimesOf = (run: Awaited<ReturnType<typeof runProgram>>) =>
  Object.fromEntries(FUNCTION_IDS.map((id) => [id, run.one(T.fn, id).inputs.runtime]));

describe("the stack's Lambda runtime", () => {
  it("deploys every function on nodejs24.x by default", async () => {
    const run = await runProgram("dev");
    expect(run.config.lambdaRuntime).toBe("nodejs24.x");
    expect(new Set(Object.values(runtimesOf(run)))).toEqual(new Set(["nodejs24.x"]));
  });

  it("deploys every function on the runtime the stack sets", async () => {
    const run = await runProgram("prod", { "lambda-lab:lambdaRuntime": "nodejs22.x" });
    expect(new Set(Object.values(runtimesOf(run)))).toEqual(new Set(["nodejs22.x"]));
  });

  it("offers only runtimes @pulumi/aws knows", () => {
    // Pulumi's own enum of Lambda runtimes: a name outside it would be refused by the provider.
    const known = Object.values(aws.lambda.Runtime) as string[];
    for (const runtime of LAMBDA_NODE_RUNTIMES) expect(known).toContain(runtime);
  });

  it("refuses a runtime it does not support, naming the key and the choices", () => {
    expect(() => parseStackConfig("dev", { "lambda-lab:lambdaRuntime": "nodejs20.x" })).toThrow(
      /lambda-lab:lambdaRuntime: .*nodejs22\.x.*nodejs24\.x/,
    );
  });
});
