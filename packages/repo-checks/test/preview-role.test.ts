import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import {
  ACCOUNT_ID,
  BOOTSTRAPPED_STACKS,
  KEY,
  type PolicyDocument,
  previewPolicies,
  render,
  STATE_BUCKET,
} from "./bootstrap.js";
import { repoRoot } from "./repo.js";

// The preview roles' policies (bootstrap/aws/preview-policy.json + state-read-policy.json) evaluated by an IAM
// simulator over the real documents: what a preview of the program must read is allowed, the project's
// secrets and the other stack are explicitly denied even if a broader policy is attached later.

const REGION = "eu-west-1";
const ssmArn = (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter${name}`;
const stateObject = (key: string) => `arn:aws:s3:::${STATE_BUCKET}/.pulumi/${key}`;

/**
 * Every data source the program calls during a preview, and the AWS read behind it. A refresh-less preview
 * calls no other AWS API: resources are diffed against the state, not read.
 */
const DATA_SOURCES: Record<string, { action: string; resource: string }> = {
  // aws.getCallerIdentity (also what the AWS provider calls to check its credentials).
  getCallerIdentity: { action: "sts:GetCallerIdentity", resource: "*" },
  // aws.ssm.getParameter of the public AL2023 AMI parameter (web-app host). Public parameters have an empty
  // account in their ARN; the simulator needs an account, and `*:*` in the policy matches both.
  "ssm.getParameter": {
    action: "ssm:GetParameter",
    resource: ssmArn("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"),
  },
  // awsx.ec2.Vpc picks its zones with aws.getAvailabilityZones (pulumi-awsx awsx/ec2/vpc.ts, getDefaultAzs).
  "awsx.ec2.Vpc": { action: "ec2:DescribeAvailabilityZones", resource: "*" },
};

/** The data sources and awsx components the program's source calls. */
const dataSourcesInProgram = async (): Promise<string[]> => {
  const dir = join(repoRoot, "packages", "infra", "src");
  const found = new Set<string>();
  for (const entry of await readdir(dir, { recursive: true })) {
    if (!entry.endsWith(".ts")) continue;
    const source = await readFile(join(dir, entry), "utf8");
    for (const m of source.matchAll(/\baws\.(?:([a-z0-9]+)\.)?(get[A-Z]\w*?)(?:Output)?\(/g))
      found.add(m[1] ? `${m[1]}.${m[2]}` : (m[2] ?? ""));
    for (const m of source.matchAll(/\bnew awsx\.(\w+)\.(\w+)\(/g)) found.add(`awsx.${m[1]}.${m[2]}`);
  }
  return [...found].sort();
};

const ALLOW_EVERYTHING = {
  name: "anything-attached-later",
  policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
};

type Policies = { name: string; policy: PolicyDocument }[];

const simulate = async (
  policies: Policies,
  action: string,
  resource: string,
  context: Record<string, string> = {},
  resourcePolicy?: PolicyDocument,
) => {
  const response = await runSimulation(
    {
      identityPolicies: policies as never,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      // A KMS key is usable only as far as its key policy allows; the state keys keep the default one.
      ...((resourcePolicy ?? (action.startsWith("kms:") ? DEFAULT_KEY_POLICY : undefined))
        ? { resourcePolicy: (resourcePolicy ?? DEFAULT_KEY_POLICY) as never }
        : {}),
      request: {
        action,
        principal: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/lambda-lab-preview/run`,
        resource: { accountId: ACCOUNT_ID, resource },
        contextVariables: context,
      },
    },
    {},
  );
  if (response.resultType === "error")
    throw new Error(`${action} on ${resource}: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
};

/**
 * The key policy AWS attaches to the aws/ssm managed key (AWS KMS developer guide, "AWS managed keys"):
 * every principal of the account may decrypt through SSM. That is how ReadOnlyAccess reads SecureStrings.
 */
const AWS_SSM_KEY_POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: "*" } as never,
      Action: [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:CreateGrant",
        "kms:DescribeKey",
      ],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": ACCOUNT_ID, "kms:ViaService": `ssm.${REGION}.amazonaws.com` },
      },
    },
  ],
};
/** The default key policy (AWS KMS developer guide, "Default key policy"): the account's IAM policies decide. */
const DEFAULT_KEY_POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` } as never,
      Action: "kms:*",
      Resource: "*",
    },
  ],
};
const AWS_SSM_KEY = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/3333cccc-33cc-33cc-33cc-333333333333`;

/** What ReadOnlyAccess grants for the services in question (its Get*, List*, Describe* per service). */
const READ_ONLY_LIKE = {
  name: "read-only-access",
  policy: {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["ssm:Get*", "ssm:Describe*", "lambda:Get*", "lambda:List*", "s3:Get*"],
        Resource: "*",
      },
    ],
  },
};

describe("the preview role policy", () => {
  it("allows exactly the reads behind the program's data sources", async () => {
    expect(
      await dataSourcesInProgram(),
      "a new data source needs its read in preview-policy.json and here",
    ).toEqual(Object.keys(DATA_SOURCES).sort());
    const preview = render<PolicyDocument>("aws/preview-policy.json");
    const allowed = preview.Statement.filter((s) => s.Effect === "Allow").flatMap((s) =>
      ([] as string[]).concat(s.Action ?? []),
    );
    expect(allowed.sort()).toEqual(
      Object.values(DATA_SOURCES)
        .map((d) => d.action)
        .sort(),
    );
    for (const [source, { action, resource }] of Object.entries(DATA_SOURCES))
      expect(await simulate([{ name: "preview", policy: preview }], action, resource), source).toBe(
        "Allowed",
      );
  });

  it("reads the web-app host's AMI from AWS's public parameters, never from the project's", async () => {
    const webApp = await readFile(join(repoRoot, "packages/infra/src/components/web-app.ts"), "utf8");
    expect(webApp).toContain("/aws/service/ami-amazon-linux-latest/");
  });

  it("reads nothing else", async () => {
    const preview = [{ name: "preview", policy: render<PolicyDocument>("aws/preview-policy.json") }];
    const others: [string, string][] = [
      ["ec2:DescribeInstances", "*"],
      ["iam:ListRoles", "*"],
      ["rds:DescribeDBInstances", `arn:aws:rds:${REGION}:${ACCOUNT_ID}:db:lambda-lab-prod`],
      [
        "logs:GetLogEvents",
        `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/aws/lambda/lambda-lab-prod-upload:log-stream:x`,
      ],
      ["ssm:GetParameter", ssmArn("/other-project/token")],
      ["s3:PutObject", stateObject("stacks/lambda-lab/dev.json")],
    ];
    for (const [action, resource] of others)
      expect(await simulate(preview, action, resource), action).toBe("ImplicitlyDenied");
  });

  // The reads the issue names, denied explicitly so that attaching ReadOnlyAccess (or anything) cannot undo them.
  const forbidden: [string, string, string, Record<string, string>?][] = [
    ["the Slack webhook", "ssm:GetParameter", ssmArn("/lambda-lab/prod/slack-webhook-url")],
    ["dev's parameters too", "ssm:GetParameters", ssmArn("/lambda-lab/dev/slack-webhook-url")],
    ["a path read of the project's tree", "ssm:GetParametersByPath", ssmArn("/lambda-lab")],
    [
      "a SecureString's decryption",
      "kms:Decrypt",
      AWS_SSM_KEY,
      { "kms:ViaService": `ssm.${REGION}.amazonaws.com`, "kms:CallerAccount": ACCOUNT_ID },
    ],
    [
      "a function's environment",
      "lambda:GetFunctionConfiguration",
      `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:lambda-lab-prod-upload`,
    ],
    [
      "a function's code",
      "lambda:GetFunction",
      `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:lambda-lab-prod-upload`,
    ],
    ["an uploaded image", "s3:GetObject", "arn:aws:s3:::lambda-lab-prod-images/uploads/a.jpg"],
    [
      "the database secret",
      "secretsmanager:GetSecretValue",
      `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:rds!db-1-AbCdEf`,
    ],
  ];

  it.each(forbidden)(
    "denies %s even with an Allow-everything policy attached",
    async (_, action, resource, context) => {
      for (const stack of BOOTSTRAPPED_STACKS) {
        const policies = [...previewPolicies(stack), ALLOW_EVERYTHING] as Policies;
        expect(await simulate(policies, action, resource, context), `${stack} preview role`).toBe(
          "ExplicitlyDenied",
        );
      }
    },
  );

  it("closes the ReadOnlyAccess path to the Slack SecureString: SSM read + the aws/ssm key policy", async () => {
    const context = { "kms:ViaService": `ssm.${REGION}.amazonaws.com`, "kms:CallerAccount": ACCOUNT_ID };
    const webhook = ssmArn("/lambda-lab/prod/slack-webhook-url");
    // The old preview role: ReadOnlyAccess reads the parameter, and the key policy lets SSM decrypt it.
    expect(await simulate([READ_ONLY_LIKE] as Policies, "ssm:GetParameter", webhook)).toBe("Allowed");
    expect(
      await simulate([READ_ONLY_LIKE] as Policies, "kms:Decrypt", AWS_SSM_KEY, context, AWS_SSM_KEY_POLICY),
    ).toBe("Allowed");
    // With the preview policy beside it, both steps are explicitly denied.
    const withPreview = [...previewPolicies("dev"), READ_ONLY_LIKE] as Policies;
    expect(await simulate(withPreview, "ssm:GetParameter", webhook)).toBe("ExplicitlyDenied");
    expect(await simulate(withPreview, "kms:Decrypt", AWS_SSM_KEY, context, AWS_SSM_KEY_POLICY)).toBe(
      "ExplicitlyDenied",
    );
  });
});

describe("the state-read policy of the self-managed backend", () => {
  it.each(BOOTSTRAPPED_STACKS)(
    "lets the %s preview role read its stack's state and key only",
    async (stack) => {
      const policies = previewPolicies(stack) as Policies;
      expect(await simulate(policies, "s3:ListBucket", `arn:aws:s3:::${STATE_BUCKET}`)).toBe("Allowed");
      for (const key of [
        "meta.yaml",
        `stacks/lambda-lab/${stack}.json`,
        `stacks/lambda-lab/${stack}.json.gz`,
      ])
        expect(await simulate(policies, "s3:GetObject", stateObject(key)), key).toBe("Allowed");
      expect(await simulate(policies, "kms:Decrypt", KEY[stack])).toBe("Allowed");

      const withAnything = [...policies, ALLOW_EVERYTHING] as Policies;
      const others = BOOTSTRAPPED_STACKS.filter((s) => s !== stack);
      expect(others.length).toBeGreaterThan(0);
      for (const theOther of others) {
        for (const key of [
          `stacks/lambda-lab/${theOther}.json`,
          `stacks/lambda-lab/${theOther}.json.bak`,
          `history/lambda-lab/${theOther}/${theOther}-1700000000.checkpoint.json`,
          `backups/lambda-lab/${theOther}/${theOther}.1700000000.json`,
        ])
          expect(await simulate(withAnything, "s3:GetObject", stateObject(key)), key).toBe(
            "ExplicitlyDenied",
          );
        expect(await simulate(withAnything, "kms:Decrypt", KEY[theOther])).toBe("ExplicitlyDenied");
      }
      // Read-only: a preview never writes state, takes no lock and keeps no history (pulumi/pulumi
      // pkg/backend/diy/backend.go: Preview applies with DryRun and no snapshot manager).
      expect(await simulate(policies, "s3:PutObject", stateObject(`stacks/lambda-lab/${stack}.json`))).toBe(
        "ImplicitlyDenied",
      );
    },
  );
});
