/**
 * Runs IAM checks against the real policy documents of a mocked program run with @cloud-copilot/iam-simulate
 * (AGPL-3.0; a devDependency used only by these tests, never shipped): each function role's inline policies
 * and attached AWS managed policies (from test/fixtures), and the resource policy of what is accessed (the
 * bucket policy, the EFS file system policy, a KMS key policy, the aws/ssm key policy from test/fixtures).
 */
import { readdirSync, readFileSync } from "node:fs";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { programPolicies } from "../src/iam/program-policies.js";
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

/** The policies a run asks AWS for, and who acts as each role (src/iam/program-policies.ts, shared with the lab). */
export const policiesOf = (run: ProgramRun) =>
  programPolicies(run, {
    accountId: ACCOUNT_ID,
    managedPolicy: (arn) => MANAGED_POLICIES.get(arn),
    extraKeyPolicies: [[AWS_SSM_KEY_ARN, AWS_SSM_KEY_POLICY]],
  });

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
