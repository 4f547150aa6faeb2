import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type LambdaRuntime, startLambdaRuntime } from "../../src/runtime/lambda-runtime.js";

const probe = fileURLToPath(new URL("../fixtures/functions/probe", import.meta.url));
let runtime: LambdaRuntime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

describe("the CPU time of an invocation (for the cost model's power-tuning view)", () => {
  it("is measured by the worker and kept on the record, apart from the time spent waiting", async () => {
    // Prepare
    runtime = await startLambdaRuntime({
      functions: [
        {
          id: "probe",
          functionName: "lab-test-probe",
          arn: "arn:aws:lambda:eu-west-1:000000000000:function:lab-test-probe",
          codeDir: probe,
          handler: "index.handler",
          memorySizeMb: 256,
          timeoutSeconds: 5,
          runtime: "nodejs22.x",
          region: "eu-west-1",
          environment: {},
        },
      ],
    });
    // Act: 40 MB filled (CPU), then 300 ms asleep (no CPU)
    const record = await runtime.invoke("probe", { action: "allocate", mb: 40 });
    // Assess
    expect(record.status).toBe("success");
    expect(record.cpuTimeMs).toBeGreaterThan(0);
    expect(record.cpuTimeMs!).toBeLessThan(record.durationMs - 200);
  });
});
