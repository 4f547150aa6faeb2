import { beforeAll, describe, expect, it } from "vitest";
import { type ProgramRun, runProgram, secretPaths, TEST_SECRETS } from "./harness.js";
import { describeWiring, T } from "./wiring.js";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("prod");
});

describeWiring("prod", () => run);

describe("prod: protected", () => {
  it("protects the stateful resources from `pulumi destroy`", () => {
    const protectedNames = run.created.filter((r) => r.protect).map((r) => r.name);
    // Pulumi.yaml's `protect` promises the VPC too: deleting it would take every subnet, ENI and endpoint.
    expect(protectedNames.sort()).toEqual([
      "database-instance",
      "network-vpc",
      "shared-fs-fs",
      "storage-bucket",
    ]);
    expect(run.one("aws:s3/bucket:Bucket", "storage-bucket").inputs.forceDestroy).toBe(false);
  });

  it("runs a Multi-AZ database with deletion protection, a final snapshot and two weeks of backups", () => {
    expect(run.one(T.db, "database-instance").inputs).toMatchObject({
      multiAz: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      backupRetentionPeriod: 14,
      maxAllocatedStorage: 100,
    });
  });

  it("names the final snapshot uniquely per database, stamped at creation and then left alone", () => {
    const db = run.one(T.db, "database-instance");
    expect(db.inputs.finalSnapshotIdentifier).toMatch(/^lambda-lab-prod-final-\d{14}$/);
    // A second delete in the account must not meet the first one's snapshot name.
    expect(db.inputs.finalSnapshotIdentifier).not.toBe("lambda-lab-prod-final");
  });

  it("routes the VPC through one NAT gateway and pays for no interface endpoint", () => {
    expect(run.one(T.vpc, "network-vpc").inputs.natGateways).toEqual({ strategy: "Single" });
    expect(run.ofType(T.endpoint)).toEqual([]);
  });

  it("runs the web-app host privately: SSM, no SSH key, IMDSv2, CloudWatch agent", () => {
    const host = run.one(T.instance, "web-app-instance");
    expect(host.inputs.subnetId).toBe("subnet-private-a");
    expect(host.inputs.keyName).toBeUndefined();
    expect(host.inputs.associatePublicIpAddress).toBe(false);
    expect(host.inputs.metadataOptions).toMatchObject({ httpTokens: "required" });
    expect(host.inputs.userData).toContain("amazon-cloudwatch-agent");
    expect(host.inputs.ami).toBe("ami-0lab");
    const policies = run
      .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .map((a) => a.inputs.policyArn);
    expect(policies).toContain("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
    expect(policies).toContain("arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy");
    expect(run.outputs.webAppInstanceId).toBe("web-app-instance-id");
  });

  it("alarms on the host's CPU and memory", () => {
    expect(run.one(T.alarm, "alarms-host-cpu").inputs).toMatchObject({
      namespace: "AWS/EC2",
      dimensions: { InstanceId: "web-app-instance-id" },
    });
    expect(run.one(T.alarm, "alarms-host-memory").inputs).toMatchObject({
      namespace: "CWAgent",
      metricName: "mem_used_percent",
    });
  });

  it("requires a token on the upload API, whose secret is an SSM SecureString, never in the environment", () => {
    const env = run.one(T.fn, "upload").inputs.environment.variables;
    expect(env.AUTH_MODE).toBe("token");
    expect(env.AUTH_TOKEN_SECRET).toBeUndefined();
    expect(env.AUTH_TOKEN_PARAMETER).toBe("/lambda-lab/prod/upload-auth-token");
    expect(JSON.stringify(run.one(T.fn, "upload").inputs.environment)).not.toContain(
      TEST_SECRETS.uploadAuthToken,
    );
  });

  it("stores the Slack webhook only as a secret SecureString value", () => {
    const parameter = run.one("aws:ssm/parameter:Parameter", "parameters-slack-webhook-url");
    expect(parameter.inputs.value).toBe(TEST_SECRETS.slackWebhookUrl);
    expect(secretPaths(parameter.rawInputs)).toEqual(["value"]);
  });

  it("keeps logs 90 days", () => {
    for (const group of run.ofType(T.logGroup)) expect(group.inputs.retentionInDays).toBe(90);
  });
});
