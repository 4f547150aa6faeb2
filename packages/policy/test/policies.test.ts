import { describe, expect, it } from "vitest";
import { policies, resourcePolicies, stackPolicies, TYPES } from "../src/policies.js";
import { checkResource, checkStack, type TestResource } from "../src/testing.js";

interface Case {
  pass: TestResource;
  fail: TestResource;
  /** What the failing resource's violation says. */
  message: RegExp;
  config?: Record<string, unknown>;
}

const r = (type: string, props: Record<string, unknown>, stack?: string): TestResource => ({
  type,
  name: "r",
  props,
  stack,
});
const allow = (Action: unknown, Resource: unknown) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action, Resource }],
});
const rds = {
  publiclyAccessible: false,
  storageEncrypted: true,
  backupRetentionPeriod: 7,
  deletionProtection: true,
  skipFinalSnapshot: false,
  manageMasterUserPassword: true,
  enabledCloudwatchLogsExports: ["postgresql"],
};
const fn = { runtime: "nodejs24.x", loggingConfig: { logFormat: "JSON", logGroup: "/aws/lambda/f" } };

const RESOURCE_CASES: Record<string, Case> = {
  "s3-public-access-blocked": {
    pass: r(TYPES.publicAccessBlock, {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }),
    fail: r(TYPES.publicAccessBlock, {
      blockPublicAcls: true,
      blockPublicPolicy: false,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }),
    message: /blockPublicPolicy must be true/,
  },
  "s3-no-public-acl": {
    pass: r(TYPES.bucket, { forceDestroy: true }),
    fail: r(TYPES.bucket, { acl: "public-read" }),
    message: /public-read/,
  },
  "s3-ownership-enforced": {
    pass: r(TYPES.ownership, { rule: { objectOwnership: "BucketOwnerEnforced" } }),
    fail: r(TYPES.ownership, { rule: { objectOwnership: "ObjectWriter" } }),
    message: /BucketOwnerEnforced/,
  },
  "s3-encrypted": {
    pass: r(TYPES.sse, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }),
    fail: r(TYPES.sse, { rules: [] }),
    message: /no default server-side encryption/,
  },
  "s3-tls-only": {
    pass: r(TYPES.bucketPolicy, {
      policy: JSON.stringify({
        Statement: [
          {
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    }),
    fail: r(TYPES.bucketPolicy, {
      policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject" }] }),
    }),
    message: /aws:SecureTransport/,
  },
  "rds-not-public": {
    pass: r(TYPES.rds, rds),
    fail: r(TYPES.rds, { ...rds, publiclyAccessible: true }),
    message: /publiclyAccessible/,
  },
  "rds-encrypted": {
    pass: r(TYPES.rds, rds),
    fail: r(TYPES.rds, { ...rds, storageEncrypted: false }),
    message: /storageEncrypted/,
  },
  "rds-backups": {
    pass: r(TYPES.rds, rds),
    fail: r(TYPES.rds, { ...rds, backupRetentionPeriod: 0 }),
    message: /at least 1/,
  },
  "rds-protected-stack": {
    pass: { ...r(TYPES.rds, rds, "prod"), protect: true },
    fail: {
      ...r(TYPES.rds, { ...rds, deletionProtection: false, skipFinalSnapshot: true }, "live"),
      protect: true,
    },
    message: /stack live protects its database: deletionProtection must be true/,
  },
  "rds-password-managed": {
    pass: r(TYPES.rds, rds),
    fail: r(TYPES.rds, { ...rds, manageMasterUserPassword: undefined, password: "hunter2hunter2" }),
    message: /password is set/,
  },
  "rds-logs-exported": {
    pass: r(TYPES.rds, rds),
    fail: r(TYPES.rds, { ...rds, enabledCloudwatchLogsExports: [] }),
    message: /empty/,
  },
  "sg-no-world-ingress": {
    pass: r(TYPES.securityGroup, {
      ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
    }),
    fail: r(TYPES.securityGroup, {
      ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
    }),
    message: /tcp 22-22 is open to the world/,
  },
  "sg-rule-no-world-ingress": {
    pass: r(TYPES.ingressRule, {
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
      referencedSecurityGroupId: "sg-1",
    }),
    fail: r(TYPES.ingressRule, { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "0.0.0.0/0" }),
    message: /5432-5432 is open to the world/,
  },
  "lambda-permission-source-arn": {
    pass: r(TYPES.permission, { principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::b" }),
    fail: r(TYPES.permission, { principal: "s3.amazonaws.com" }),
    message: /no sourceArn/,
  },
  "lambda-runtime": {
    pass: r(TYPES.lambda, fn),
    fail: r(TYPES.lambda, { ...fn, runtime: "nodejs16.x" }),
    message: /nodejs16\.x/,
  },
  "lambda-json-logs": {
    pass: r(TYPES.lambda, fn),
    fail: r(TYPES.lambda, { ...fn, loggingConfig: { logFormat: "Text" } }),
    message: /JSON/,
  },
  "efs-encrypted": { pass: r(TYPES.efs, { encrypted: true }), fail: r(TYPES.efs, {}), message: /encrypted/ },
  "efs-access-point-non-root": {
    pass: r(TYPES.accessPoint, { posixUser: { uid: 1000, gid: 1000 }, rootDirectory: { path: "/lab" } }),
    fail: r(TYPES.accessPoint, { posixUser: { uid: 0, gid: 0 }, rootDirectory: { path: "/lab" } }),
    message: /is root/,
  },
  "iam-no-star-on-star": {
    pass: r(TYPES.rolePolicy, { policy: allow("s3:GetObject", "arn:aws:s3:::b/uploads/*") }),
    fail: r(TYPES.rolePolicy, { policy: JSON.stringify(allow("*", "*")) }),
    message: /"\*" on "\*"/,
  },
  "iam-no-service-wildcard-on-star": {
    pass: r(TYPES.rolePolicy, { policy: allow("s3:*", "arn:aws:s3:::b/*") }),
    fail: r(TYPES.rolePolicy, { policy: allow(["s3:*"], "*") }),
    message: /s3:\* on "\*"/,
  },
  "log-group-retention": {
    pass: r(TYPES.logGroup, { retentionInDays: 7 }),
    fail: r(TYPES.logGroup, {}),
    message: /kept forever/,
  },
  "ec2-imdsv2": {
    pass: r(TYPES.instance, { metadataOptions: { httpTokens: "required" } }),
    fail: r(TYPES.instance, { metadataOptions: { httpTokens: "optional" } }),
    message: /httpTokens/,
  },
  "ec2-no-ssh-key": {
    pass: r(TYPES.instance, { metadataOptions: { httpTokens: "required" } }),
    fail: r(TYPES.instance, { keyName: "my-key" }),
    message: /my-key/,
  },
  "sqs-encrypted": {
    pass: r(TYPES.queue, { sqsManagedSseEnabled: true }),
    fail: r(TYPES.queue, {}),
    message: /sqsManagedSseEnabled/,
  },
};

const lambda = (name: string, reserved?: number): TestResource => ({
  type: TYPES.lambda,
  name,
  props: {
    ...fn,
    name,
    arn: `arn:aws:lambda:eu-west-1:1:function:${name}`,
    reservedConcurrentExecutions: reserved,
    loggingConfig: { logFormat: "JSON", logGroup: `/aws/lambda/${name}` },
  },
});
const logGroup = (name: string): TestResource => ({
  type: TYPES.logGroup,
  name: `${name}-logs`,
  props: { name: `/aws/lambda/${name}`, retentionInDays: 7 },
});
const schedule: TestResource = {
  type: TYPES.schedule,
  name: "nightly",
  props: { target: { arn: "arn:aws:lambda:eu-west-1:1:function:job" } },
};
const onFailure: TestResource = {
  type: TYPES.invokeConfig,
  name: "job-async",
  props: {
    functionName: "job",
    destinationConfig: { onFailure: { destination: "arn:aws:sqs:eu-west-1:1:job-failures" } },
  },
};

const STACK_CASES: Record<string, Case & { passStack: TestResource[]; failStack: TestResource[] }> = {
  "lambda-reserved-concurrency-budget": {
    passStack: [lambda("a", 400), lambda("b", 500)],
    failStack: [lambda("a", 400), lambda("b", 501)],
    message: /reserved concurrency 901 \(a=400, b=501\) leaves 99 of 1000 unreserved/,
    pass: lambda("x"),
    fail: lambda("x"),
  },
  "lambda-async-on-failure-destination": {
    passStack: [lambda("job"), schedule, onFailure],
    failStack: [lambda("job"), schedule],
    message: /job is invoked asynchronously by nightly but has no on-failure destination/,
    pass: lambda("x"),
    fail: lambda("x"),
  },
  "lambda-log-group-managed": {
    passStack: [lambda("job"), logGroup("job")],
    failStack: [lambda("job"), logGroup("other")],
    message: /job logs to \/aws\/lambda\/job, which the stack does not manage/,
    pass: lambda("x"),
    fail: lambda("x"),
  },
};

describe("the policy pack", () => {
  it("has at least 20 rules, each with a passing and a failing case below", () => {
    expect(policies.length).toBeGreaterThanOrEqual(20);
    expect(Object.keys(RESOURCE_CASES).sort()).toEqual(resourcePolicies.map((p) => p.name).sort());
    expect(Object.keys(STACK_CASES).sort()).toEqual(stackPolicies.map((p) => p.name).sort());
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
  });

  describe.each(resourcePolicies.map((p) => [p.name, p] as const))("%s", (name, policy) => {
    const c = RESOURCE_CASES[name]!;
    it("passes a compliant resource", async () => {
      expect(await checkResource(policy, c.pass, c.config)).toEqual([]);
    });
    it("reports a violating resource", async () => {
      const violations = await checkResource(policy, c.fail, c.config);
      expect(violations.length).toBeGreaterThan(0);
      expect(violations.map((v) => v.message).join("\n")).toMatch(c.message);
    });
  });

  describe.each(stackPolicies.map((p) => [p.name, p] as const))("%s", (name, policy) => {
    const c = STACK_CASES[name]!;
    it("passes a compliant stack", async () => {
      expect(await checkStack(policy, c.passStack)).toEqual([]);
    });
    it("reports a violating stack", async () => {
      const violations = await checkStack(policy, c.failStack);
      expect(violations.map((v) => v.message).join("\n")).toMatch(c.message);
    });
  });

  it("reads protection from the database's protect option, never from the stack's name", async () => {
    const policy = resourcePolicies.find((p) => p.name === "rds-protected-stack")!;
    const unprotected = { ...rds, deletionProtection: false, skipFinalSnapshot: true };
    // A stack named prod without the protect flag is not protected; a staging stack with it is.
    expect(await checkResource(policy, { ...r(TYPES.rds, unprotected, "prod"), protect: false })).toEqual([]);
    expect(
      await checkResource(policy, { ...r(TYPES.rds, unprotected, "staging"), protect: true }),
    ).toHaveLength(2);
  });

  it("takes the account limit from the policy config", async () => {
    const policy = stackPolicies.find((p) => p.name === "lambda-reserved-concurrency-budget")!;
    expect(await checkStack(policy, [lambda("a", 5)], { accountConcurrencyLimit: 10 })).toHaveLength(1);
    expect(await checkStack(policy, [lambda("a")], { accountConcurrencyLimit: 10 })).toEqual([]);
  });

  it("lets other resource types through every resource rule", async () => {
    const other = r("aws:dynamodb/table:Table", {
      acl: "public-read",
      encrypted: false,
      publiclyAccessible: true,
    });
    for (const policy of resourcePolicies)
      expect(await checkResource(policy, other), policy.name).toEqual([]);
  });
});

describe("lambda-runtime", () => {
  const policy = resourcePolicies.find((p) => p.name === "lambda-runtime")!;
  it.each(["nodejs22.x", "nodejs24.x"])("accepts %s, a runtime a stack may choose", async (runtime) => {
    expect(await checkResource(policy, r(TYPES.lambda, { ...fn, runtime }))).toEqual([]);
  });
  it("refuses nodejs20.x, out of Lambda's support window", async () => {
    expect(await checkResource(policy, r(TYPES.lambda, { ...fn, runtime: "nodejs20.x" }))).not.toEqual([]);
  });
});
