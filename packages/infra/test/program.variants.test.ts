import { describe, expect, it } from "vitest";
import { runProgram } from "./harness.js";
import { T } from "./wiring.js";

describe("the split subnet layout", () => {
  it("moves the database into its own isolated tier while the functions stay in the private subnets", async () => {
    const run = await runProgram("dev", { "lambda-lab:subnetLayout": "split" });
    const specs = run.one(T.vpc, "network-vpc").inputs.subnetSpecs.map((s: { type: string }) => s.type);
    expect(specs).toEqual(["Public", "Private", "Isolated"]);
    expect(run.one("aws:rds/subnetGroup:SubnetGroup", "database-subnets").inputs.subnetIds).toEqual([
      "subnet-isolated-a",
      "subnet-isolated-b",
    ]);
    expect(run.one(T.fn, "daily-stats").inputs.vpcConfig.subnetIds).toEqual([
      "subnet-private-a",
      "subnet-private-b",
    ]);
  });

  it("keeps the database in the private subnets in the shared layout", async () => {
    const run = await runProgram("dev");
    expect(run.one("aws:rds/subnetGroup:SubnetGroup", "database-subnets").inputs.subnetIds).toEqual([
      "subnet-private-a",
      "subnet-private-b",
    ]);
  });
});

describe("a public web-app host", () => {
  it("sits in a public subnet with HTTP and HTTPS open to the world, and nothing else", async () => {
    const run = await runProgram("prod", { "lambda-lab:webAppPublic": true });
    const host = run.one(T.instance, "web-app-instance").inputs;
    expect(host.subnetId).toBe("subnet-public-a");
    expect(host.associatePublicIpAddress).toBe(true);
    const world = run.ofType(T.ingress).filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0");
    expect(world.map((r) => [r.inputs.securityGroupId, r.inputs.fromPort]).sort()).toEqual([
      ["network-web-app-sg-id", 443],
      ["network-web-app-sg-id", 80],
    ]);
  });
});

describe("reservation turned off (new accounts whose limit is 10)", () => {
  it("reserves nothing and says so in the outputs", async () => {
    const run = await runProgram("dev", {
      "lambda-lab:reservedConcurrencyEnabled": false,
      "lambda-lab:accountConcurrencyLimit": 10,
    });
    for (const f of run.ofType(T.fn)) expect(f.inputs.reservedConcurrentExecutions, f.name).toBeUndefined();
    expect(run.outputs.reservedConcurrency).toBe("off");
    expect(run.one(T.alarm, "alarms-account-concurrency").inputs.threshold).toBe(8);
  });
});

describe("MySQL for comparison", () => {
  it("logs slow queries to FILE with slow_query_log, exports the slow log, and skips the migrations", async () => {
    const run = await runProgram("dev", {
      "lambda-lab:databaseEngine": "mysql",
      "lambda-lab:databaseEngineVersion": "8.4",
      "lambda-lab:databaseMigrateOnDeploy": false,
    });
    const params = run.one("aws:rds/parameterGroup:ParameterGroup", "database-parameters").inputs;
    expect(params.family).toBe("mysql8.4");
    expect(params.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "slow_query_log", value: "1" }),
        expect.objectContaining({ name: "log_output", value: "FILE" }),
        expect.objectContaining({ name: "long_query_time", value: "0.25" }),
      ]),
    );
    expect(run.one(T.db, "database-instance").inputs.enabledCloudwatchLogsExports).toContain("slowquery");
    expect(
      run.ofType(T.ingress).find((r) => r.inputs.securityGroupId === "network-database-sg-id")?.inputs
        .fromPort,
    ).toBe(3306);
    expect(run.ofType("aws:lambda/invocation:Invocation")).toEqual([]);
    expect(
      run.one("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", "alarms-slow-queries").inputs
        .filterPattern,
    ).toBe('"Query_time"');
  });
});
