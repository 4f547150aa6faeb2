/**
 * Runs IAM checks against the real policy documents of a mocked program run with @cloud-copilot/iam-simulate
 * (AGPL-3.0; a devDependency used only by these tests, never shipped): each function role's inline policies
 * and attached AWS managed policies (from test/fixtures), and the resource policy of what is accessed (the
 * bucket policy, the EFS file system policy, a KMS key policy, the aws/ssm key policy from test/fixtures).
 */
import { readdirSync, readFileSync } from "node:fs";
import { runSimulation, type SimulationIdentityPolicy } from "@cloud-copilot/iam-simulate";
import { ACCOUNT_ID, type ProgramRun, REGION } from "./harness.js";

// biome-ignore lint/suspicious/noExplicitAny: policy documents are arbitrary JSON, validated by the simulator.
type PolicyDocument = any;

export type Expected = "Allowed" | "Denied";

export interface Check {
  /** A role owner as the program names it (`upload`, `migrations-runner`), or a service principal. */
  who: string;
  action: string;
  resource: string;
  /** Request context on top of `aws:SecureTransport: "true"` (every SDK call is HTTPS). */
  context?: Record<string, string | string[]>;
  expect: Expected;
  /** Why: the code that makes the call, or the rule that must keep it out. */
  why: string;
}

export interface Verdict {
  check: Check;
  result: "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | "error";
  /** Set when the verdict is not the expected one, or the simulator could not run the check as given. */
  problem?: string;
}

const FIXTURES = new URL("./fixtures/", import.meta.url);
const json = (url: URL): PolicyDocument => JSON.parse(readFileSync(url, "utf8"));

/** AWS managed policies copied into the fixtures, by ARN: an attachment without one fails the matrix. */
const MANAGED_POLICIES: ReadonlyMap<string, { name: string; document: PolicyDocument }> = new Map(
  readdirSync(new URL("aws-managed-policies/", FIXTURES)).map((file) => {
    const fixture = json(new URL(`aws-managed-policies/${file}`, FIXTURES));
    return [fixture.arn, { name: fixture.name, document: fixture.document }];
  }),
);

/**
 * The account's aws/ssm key: its id is not known until SSM first uses it, so the checks name it by this
 * placeholder ARN, and its key policy is the one AWS creates (fixture), for this account and Region.
 */
export const AWS_SSM_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/aws-managed-ssm-0lab`;
const AWS_SSM_KEY_POLICY: PolicyDocument = JSON.parse(
  JSON.stringify(json(new URL("aws-managed-key-policies/aws-ssm.json", FIXTURES)).document)
    // The fixture's placeholders, in AWS's own ${Name} style.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder, not a template.
    .replaceAll("${AccountId}", ACCOUNT_ID)
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder, not a template.
    .replaceAll("${Region}", REGION),
);

const documentOf = (policy: unknown): PolicyDocument =>
  typeof policy === "string" ? JSON.parse(policy) : policy;

const T = {
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  fn: "aws:lambda/function:Function",
  bucket: "aws:s3/bucket:Bucket",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  fileSystem: "aws:efs/fileSystem:FileSystem",
  fileSystemPolicy: "aws:efs/fileSystemPolicy:FileSystemPolicy",
  key: "aws:kms/key:Key",
} as const;

/** The policies a run asks AWS for, and who acts as each role. */
export const policiesOf = (run: ProgramRun) => {
  const identityOf = (owner: string): SimulationIdentityPolicy[] => {
    const role = run.one(T.role, `${owner}-role`);
    // The mock gives every resource the id `<name>-id`; RolePolicy refers to the role by id, attachments by name.
    const inline = run
      .ofType(T.rolePolicy)
      .filter((p) => p.inputs.role === `${role.name}-id`)
      .map((p) => ({ name: p.name, policy: documentOf(p.inputs.policy) }));
    const managed = run
      .ofType(T.attachment)
      .filter((a) => a.inputs.role === role.state.name)
      .map((a) => {
        const fixture = MANAGED_POLICIES.get(a.inputs.policyArn);
        if (!fixture)
          throw new Error(
            `${owner}: attached managed policy ${a.inputs.policyArn} has no fixture in test/fixtures/aws-managed-policies (copy its document and version from the AWS Managed Policy Reference)`,
          );
        return { name: fixture.name, policy: fixture.document };
      });
    return [...inline, ...managed];
  };

  const bucket = run.one(T.bucket, "storage-bucket");
  const fileSystem = run.one(T.fileSystem, "shared-fs-fs");
  const one = (records: ProgramRun["created"], what: string) => {
    if (records.length !== 1) throw new Error(`expected one ${what}, found ${records.length}`);
    return documentOf(records[0]?.inputs.policy);
  };
  const bucketPolicy = one(
    run.ofType(T.bucketPolicy).filter((p) => p.inputs.bucket === `${bucket.name}-id`),
    "bucket policy",
  );
  const fileSystemPolicy = one(
    run.ofType(T.fileSystemPolicy).filter((p) => p.inputs.fileSystemId === `${fileSystem.name}-id`),
    "EFS file system policy",
  );
  const keyPolicies = new Map<string, PolicyDocument>([
    [AWS_SSM_KEY_ARN, AWS_SSM_KEY_POLICY],
    ...run.ofType(T.key).map((k) => [k.state.arn as string, documentOf(k.inputs.policy)] as const),
  ]);
  const bucketArn = bucket.state.arn as string;

  const resourcePolicyOf = (arn: string): PolicyDocument | undefined => {
    if (arn === bucketArn || arn.startsWith(`${bucketArn}/`)) return bucketPolicy;
    if (arn === fileSystem.state.arn) return fileSystemPolicy;
    return keyPolicies.get(arn);
  };

  /** Lambda runs the function with a session of its role named after the function. */
  const principalOf = (owner: string): string => {
    const role = run.one(T.role, `${owner}-role`);
    const fn = run.one(T.fn, owner);
    return `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${role.state.name}/${fn.inputs.name}`;
  };

  return { identityOf, resourcePolicyOf, principalOf };
};

const isServicePrincipal = (who: string) => who.endsWith(".amazonaws.com");

const describe = (c: Check) =>
  `${c.who} ${c.action} ${c.resource}${c.context ? ` ${JSON.stringify(c.context)}` : ""}`;

/** Runs every check; a verdict has a `problem` when it is unexpected or the simulator refused the input. */
export const evaluate = async (run: ProgramRun, checks: readonly Check[]): Promise<Verdict[]> => {
  const policies = policiesOf(run);
  const verdicts: Verdict[] = [];
  for (const check of checks) {
    const service = isServicePrincipal(check.who);
    const response = await runSimulation(
      {
        request: {
          principal: service ? check.who : policies.principalOf(check.who),
          action: check.action,
          resource: { resource: check.resource, accountId: ACCOUNT_ID },
          contextVariables: { "aws:SecureTransport": "true", ...check.context },
        },
        identityPolicies: service ? [] : policies.identityOf(check.who),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: policies.resourcePolicyOf(check.resource),
      },
      {},
    );
    if (response.resultType === "error") {
      verdicts.push({
        check,
        result: "error",
        problem: `${describe(check)}: simulator error ${JSON.stringify(response.errors)}`,
      });
      continue;
    }
    if (response.resultType !== "single") {
      verdicts.push({
        check,
        result: "error",
        problem: `${describe(check)}: a wildcard resource ran ${response.results.length} simulations; name one resource`,
      });
      continue;
    }
    const result = response.overallResult;
    const ignored = response.result.ignoredContextKeys ?? [];
    const got: Expected = result === "Allowed" ? "Allowed" : "Denied";
    const problem =
      ignored.length > 0
        ? `${describe(check)}: the simulator ignored context keys ${ignored.join(", ")} (not valid for this action)`
        : got !== check.expect
          ? `${describe(check)}: expected ${check.expect}, got ${result} (${check.why})`
          : undefined;
    verdicts.push({ check, result, ...(problem ? { problem } : {}) });
  }
  return verdicts;
};

/** `checks 212, allowed 80, denied 132, unexpected 0` */
export const summaryOf = (verdicts: readonly Verdict[]) => {
  const unexpected = verdicts.filter((v) => v.problem).length;
  const ok = verdicts.filter((v) => !v.problem);
  return {
    checks: verdicts.length,
    allowed: ok.filter((v) => v.check.expect === "Allowed").length,
    denied: ok.filter((v) => v.check.expect === "Denied").length,
    unexpected,
  };
};
