import { fileURLToPath } from "node:url";
import { NODE_RUNTIMES, type NodeRuntime, nodeBinary } from "@lambda-lab/artifact";
import { LAMBDA_NODE_RUNTIMES } from "@lambda-lab/infra/stack-config";
import { afterEach, describe, expect, it } from "vitest";
import {
  type LabFunction,
  type LambdaRuntime,
  startLambdaRuntime,
} from "../../src/runtime/lambda-runtime.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/functions/${name}`, import.meta.url));

const fn = (runtime: NodeRuntime, codeDir = fixture("probe")): LabFunction => ({
  id: "fn",
  functionName: "lab-test-fn",
  arn: "arn:aws:lambda:eu-west-1:000000000000:function:lab-test-fn",
  codeDir,
  handler: "index.handler",
  memorySizeMb: 256,
  timeoutSeconds: 5,
  runtime,
  region: "eu-west-1",
  environment: {},
});

let runtime: LambdaRuntime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});
const body = (record: { body: string }) => JSON.parse(record.body) as Record<string, unknown>;

describe("the stack's Lambda runtime", () => {
  it("has a Node.js binary and an esbuild target for every runtime the stack schema accepts", () => {
    expect(Object.keys(NODE_RUNTIMES).sort()).toEqual([...LAMBDA_NODE_RUNTIMES].sort());
  });

  it.each(Object.keys(NODE_RUNTIMES) as NodeRuntime[])(
    "runs %s environments on that Node.js major, not on the lab's own Node",
    async (name) => {
      runtime = await startLambdaRuntime({ functions: [fn(name)] });
      const record = await runtime.invoke("fn", { action: "version" });
      const { major } = NODE_RUNTIMES[name];
      expect(body(record).version).toMatch(new RegExp(`^v${major}\\.`));
      expect(body(record).version).toBe(nodeBinary(name).version);
      expect(body(record).execPath).toBe(nodeBinary(name).path);
      expect(runtime.state()[0]).toMatchObject({ runtime: name, nodeVersion: nodeBinary(name).version });
    },
  );

  it("names the runtime on the INIT_START line of a cold start, as Lambda does, and not on a warm one", async () => {
    runtime = await startLambdaRuntime({ functions: [fn("nodejs24.x")] });
    const cold = await runtime.invoke("fn", {});
    const warm = await runtime.invoke("fn", {});
    expect(cold.logs[0]).toBe(
      `INIT_START Runtime Version: nodejs:24 (Node.js ${nodeBinary("nodejs24.x").version})`,
    );
    expect(warm.logs.some((l) => l.startsWith("INIT_START"))).toBe(false);
  });

  it("fails a bundle that uses a Node.js 24 API at init on nodejs22.x, as Lambda would, and runs it on nodejs24.x", async () => {
    runtime = await startLambdaRuntime({
      functions: [
        { ...fn("nodejs22.x", fixture("node24-only")), id: "on22" },
        { ...fn("nodejs24.x", fixture("node24-only")), id: "on24" },
      ],
    });
    const on22 = await runtime.invoke("on22", {});
    const on24 = await runtime.invoke("on24", {});
    expect(on22.status).toBe("error");
    expect(on22.errorType).toBe("TypeError");
    expect(body(on22)).toMatchObject({
      errorType: "TypeError",
      errorMessage: "Error.isError is not a function",
    });
    expect(on22.initDurationMs).toBeGreaterThan(0);
    expect(on24.status).toBe("success");
    expect(body(on24)).toMatchObject({ native: true });
  });
});
