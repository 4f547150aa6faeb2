import { beforeAll, describe, expect, it } from "vitest";
import { type ProgramRun, runProgram } from "./harness.js";
import { describeWiring, T } from "./wiring.js";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("dev");
});

describeWiring("dev", () => run);

describe("dev: cheap and destroyable", () => {
  it("has no NAT gateway and reaches Secrets Manager through one interface endpoint", () => {
    expect(run.one(T.vpc, "network-vpc").inputs.natGateways).toEqual({ strategy: "None" });
    const endpoints = run.ofType(T.endpoint).map((e) => e.inputs);
    expect(endpoints).toEqual([
      expect.objectContaining({
        serviceName: "com.amazonaws.eu-west-1.secretsmanager",
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: ["subnet-private-a", "subnet-private-b"],
      }),
    ]);
  });

  it("runs a single-AZ database without deletion protection or a final snapshot", () => {
    expect(run.one(T.db, "database-instance").inputs).toMatchObject({
      multiAz: false,
      deletionProtection: false,
      skipFinalSnapshot: true,
      backupRetentionPeriod: 1,
    });
  });

  it("lets destroy empty the bucket and protects nothing", () => {
    expect(run.one("aws:s3/bucket:Bucket", "storage-bucket").inputs.forceDestroy).toBe(true);
    expect(run.created.filter((r) => r.protect).map((r) => r.name)).toEqual([]);
  });

  it("keeps logs a week and has no web-app host", () => {
    for (const group of run.ofType(T.logGroup)) expect(group.inputs.retentionInDays).toBe(7);
    expect(run.ofType(T.instance)).toEqual([]);
    expect(run.outputs.webAppInstanceId).toBeUndefined();
  });

  it("leaves the upload API open (no token secret in the environment)", () => {
    const env = run.one(T.fn, "upload").inputs.environment.variables;
    expect(env.AUTH_MODE).toBe("none");
    expect(env.AUTH_TOKEN_SECRET).toBeUndefined();
  });
});
