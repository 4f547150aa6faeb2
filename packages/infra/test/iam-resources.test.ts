/**
 * The resource side of access: policies on the resources themselves (EFS, the alerts topic's key), where
 * secrets live (SSM SecureStrings, never environments), and the bucket's encryption and versioning.
 */
import { anonymousPrincipal, runSimulation } from "@cloud-copilot/iam-simulate";
import { UploadEnv } from "@lambda-lab/upload/env";
import { beforeAll, describe, expect, it } from "vitest";
import { topicKeyPolicy } from "../src/components/alarms.js";
import { VPC_NETWORK_INTERFACES } from "../src/components/node-function.js";
import { fileSystemPolicy } from "../src/components/shared-fs.js";
import { encryptionRule } from "../src/components/storage.js";
import { FUNCTION_IDS } from "../src/stack-config.js";
import { ACCOUNT_ID, type ProgramRun, runProgram, STACKS, secretPaths, TEST_SECRETS } from "./harness.js";
import { lambdaProvided, statementsOf, T } from "./wiring.js";

const FUNCTION_ROLES = [...FUNCTION_IDS, "migrations-runner"];
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

describe.each(STACKS)("%s: resource policies, keys and secrets", (stack) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram(stack);
  });

  it("gives EFS a file system policy, so a mount needs an IAM grant and root is refused", async () => {
    const fs = run.one("aws:efs/fileSystem:FileSystem", "shared-fs-fs");
    const ap = run.one("aws:efs/accessPoint:AccessPoint", "shared-fs-access-point");
    const policy = run.one("aws:efs/fileSystemPolicy:FileSystemPolicy", "shared-fs-policy");
    expect(policy.inputs.fileSystemId).toBe(`${fs.name}-id`);
    expect(JSON.parse(policy.inputs.policy)).toEqual(fileSystemPolicy(fs.state.arn, ap.state.arn));
    // Without the policy EFS lets any client that reaches a mount target in; with it, an NFS client that
    // signs nothing gets no allow anywhere.
    const anonymous = await runSimulation(
      {
        request: {
          principal: anonymousPrincipal,
          action: "elasticfilesystem:ClientMount",
          resource: { resource: fs.state.arn, accountId: ACCOUNT_ID },
          contextVariables: {
            "aws:SecureTransport": "true",
            "elasticfilesystem:AccessPointArn": ap.state.arn,
          },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: JSON.parse(policy.inputs.policy),
      },
      {},
    );
    expect(anonymous.resultType === "single" && anonymous.overallResult).toBe("ImplicitlyDenied");
  });

  it("encrypts the alerts topic with a rotated key whose policy admits CloudWatch alarms", () => {
    const key = run.one("aws:kms/key:Key", "alarms-topic-key");
    const topic = run.one("aws:sns/topic:Topic", "alarms-topic");
    expect(topic.inputs.kmsMasterKeyId).toBe(key.state.arn);
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(key.inputs.deletionWindowInDays).toBe(run.config.protect ? 30 : 7);
    expect(JSON.parse(key.inputs.policy)).toEqual(topicKeyPolicy(ACCOUNT_ID));
  });

  it("attaches no AWS managed policy to a function role: VPC functions get the ENI actions inline", () => {
    const roleNames = FUNCTION_ROLES.map((owner) => run.one("aws:iam/role:Role", `${owner}-role`).state.name);
    const attached = run
      .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => roleNames.includes(a.inputs.role));
    expect(attached.map((a) => a.inputs.policyArn)).toEqual([]);
    for (const owner of ["orphan-cleanup", "daily-stats", "migrations-runner"])
      expect(statementsOf(run, owner), owner).toContainEqual(VPC_NETWORK_INTERFACES);
    for (const owner of ["upload", "transform", "alerts"])
      expect(statementsOf(run, owner), owner).not.toContainEqual(VPC_NETWORK_INTERFACES);
  });

  it("grants no KMS action to a function role: the aws/ssm key policy decrypts SecureStrings through SSM", () => {
    for (const owner of FUNCTION_ROLES) {
      const kms = statementsOf(run, owner).filter((s) =>
        list(s.Action).some((a) => String(a).startsWith("kms:")),
      );
      expect(kms, owner).toEqual([]);
    }
  });

  it("keeps the upload token out of every environment; in token mode it is a SecureString upload reads", () => {
    for (const f of run.ofType(T.fn))
      expect(JSON.stringify(f.inputs.environment), f.name).not.toContain(TEST_SECRETS.uploadAuthToken);
    const upload = run.one(T.fn, "upload");
    expect(secretPaths(upload.rawInputs)).toEqual([]);
    const env = upload.inputs.environment.variables;
    expect(env.AUTH_TOKEN_SECRET).toBeUndefined();
    const parameters = run
      .ofType("aws:ssm/parameter:Parameter")
      .filter((p) => p.name === "parameters-upload-auth-token");
    if (run.config.upload.authMode !== "token") {
      expect(parameters).toEqual([]);
      expect(env.AUTH_TOKEN_PARAMETER).toBeUndefined();
      return;
    }
    const [parameter] = parameters;
    expect(parameter?.inputs).toMatchObject({
      name: `/lambda-lab/${stack}/upload-auth-token`,
      type: "SecureString",
      value: TEST_SECRETS.uploadAuthToken,
    });
    expect(secretPaths(parameter?.rawInputs)).toEqual(["value"]);
    expect(env.AUTH_TOKEN_PARAMETER).toBe(parameter?.state.name);
    // The function's own schema takes the parameter in place of the secret.
    const parsed = UploadEnv.parse({ ...lambdaProvided(256), ...env });
    expect(parsed.AUTH_TOKEN_PARAMETER).toBe(parameter?.state.name);
    expect(statementsOf(run, "upload")).toContainEqual({
      Effect: "Allow",
      Action: "ssm:GetParameter",
      Resource: parameter?.state.arn,
    });
  });

  it("sets an S3 Bucket Key only with SSE-KMS", () => {
    const sse = run.one(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "storage-encryption",
    );
    expect(sse.inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    expect(encryptionRule({ algorithm: "aws:kms" })).toEqual({
      applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" },
      bucketKeyEnabled: true,
    });
  });

  it("versions the bucket and expires noncurrent versions, so a wrong delete stays restorable for a while", () => {
    const bucket = run.one("aws:s3/bucket:Bucket", "storage-bucket");
    const versioning = run.one("aws:s3/bucketVersioning:BucketVersioning", "storage-versioning");
    expect(versioning.inputs).toMatchObject({
      bucket: `${bucket.name}-id`,
      versioningConfiguration: { status: "Enabled" },
    });
    const lifecycle = run.one(
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "storage-lifecycle",
    );
    expect(lifecycle.inputs.rules).toContainEqual({
      id: "expire-noncurrent-versions",
      status: "Enabled",
      filter: {},
      noncurrentVersionExpiration: { noncurrentDays: 30 },
      expiration: { expiredObjectDeleteMarker: true },
    });
    expect(lifecycle.dependencies).toContain(versioning.urn);
  });
});
