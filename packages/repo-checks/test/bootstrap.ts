import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./repo.js";

/** The IAM document shape the bootstrap files use (what the AWS CLI and iam-simulate take). */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: { Federated?: string } | string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}
export interface PulumiCloudOidc {
  issuer: string;
  policies: {
    decision: string;
    tokenType: string;
    teamName?: string;
    rules: Record<string, string>;
  }[];
  teamStackPermissions: Record<string, Record<string, "read" | "write" | "admin">>;
}

interface RenderModule {
  renderFile(path: string, values: Record<string, string>): unknown;
  placeholdersOf(template: string): string[];
  BootstrapRenderError: new (message: string) => Error;
}

/** bootstrap/render.mjs: the same renderer the deploy guide's commands run. */
export const renderer = (await import(
  pathToFileURL(join(repoRoot, "bootstrap", "render.mjs")).href
)) as RenderModule;

export const ACCOUNT_ID = "123456789012";
export const GITHUB_SUBJECT = "repo:octo-org/lambda-lab";
export const KEY = {
  dev: `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/1111aaaa-11aa-11aa-11aa-111111111111`,
  prod: `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/2222bbbb-22bb-22bb-22bb-222222222222`,
} as const;
/** The stacks the bootstrap's roles and state keys are made for (sample key ARNs per stack). */
export type BootstrappedStack = keyof typeof KEY;
export const BOOTSTRAPPED_STACKS = Object.keys(KEY) as BootstrappedStack[];
export const STATE_BUCKET = "lambda-lab-state";

export const SAMPLE = { ACCOUNT_ID, GITHUB_SUBJECT, PULUMI_ORG: "octo-org", STATE_BUCKET };

export const render = <T>(path: string, values: Record<string, string> = {}) =>
  renderer.renderFile(path, { ...SAMPLE, ...values }) as T;

/** The four GitHub-trusted roles: trust document, what they carry, and the repository secret naming them. */
export const ROLES = {
  "lambda-lab-preview-pr": {
    trust: "aws/trust-preview-pr.json",
    stateStack: "dev",
    secret: "AWS_PREVIEW_ROLE_ARN",
  },
  "lambda-lab-preview-main": {
    trust: "aws/trust-preview-main.json",
    stateStack: "prod",
    secret: "AWS_PREVIEW_MAIN_ROLE_ARN",
  },
  "lambda-lab-deploy-dev": {
    trust: "aws/trust-deploy-dev.json",
    stateStack: "dev",
    secret: "AWS_DEPLOY_ROLE_ARN",
  },
  "lambda-lab-deploy-prod": {
    trust: "aws/trust-deploy-prod.json",
    stateStack: "prod",
    secret: "AWS_DEPLOY_ROLE_ARN",
  },
} as const;
export type RoleName = keyof typeof ROLES;

/** The preview policies a preview role carries on the self-managed backend (the shared one + its stack's state). */
export const previewPolicies = (stack: BootstrappedStack) => [
  { name: "preview", policy: render<PolicyDocument>("aws/preview-policy.json") },
  {
    name: `state-read-${stack}`,
    policy: render<PolicyDocument>("aws/state-read-policy.json", {
      STACK: stack,
      SECRETS_KEY_ARN: KEY[stack],
    }),
  },
];

const GITHUB_PROVIDER = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`;

/**
 * The subjects a trust policy accepts, read strictly: one statement allowing sts:AssumeRoleWithWebIdentity
 * to GitHub's provider, with StringEquals on exactly `aud` (sts.amazonaws.com) and `sub`. Anything that
 * could widen it (StringLike, ForAnyValue, a wildcard, another key or statement) throws, naming the problem.
 */
export const trustedSubjects = (file: string, trust: PolicyDocument): string[] => {
  const fail = (why: string) => {
    throw new Error(`${file}: ${why}`);
  };
  if (trust.Statement.length !== 1) fail("expected exactly one statement");
  const [st] = trust.Statement;
  if (!st) return fail("no statement");
  if (st.Effect !== "Allow") fail("the statement must Allow");
  if (st.Action !== "sts:AssumeRoleWithWebIdentity")
    fail("Action must be exactly sts:AssumeRoleWithWebIdentity");
  if (typeof st.Principal !== "object" || st.Principal.Federated !== GITHUB_PROVIDER)
    fail(`Principal must be { Federated: ${GITHUB_PROVIDER} }`);
  const operators = Object.keys(st.Condition ?? {});
  if (operators.join() !== "StringEquals")
    fail(`only StringEquals may condition the trust, found ${operators}`);
  const equals = st.Condition?.StringEquals ?? {};
  const keys = Object.keys(equals).sort();
  const AUD = "token.actions.githubusercontent.com:aud";
  const SUB = "token.actions.githubusercontent.com:sub";
  if (keys.join() !== [AUD, SUB].join())
    fail(`StringEquals must pin exactly ${AUD} and ${SUB}, found ${keys}`);
  if (equals[AUD] !== "sts.amazonaws.com") fail("aud must be sts.amazonaws.com");
  const subjects = ([] as string[]).concat(equals[SUB] ?? []);
  for (const sub of subjects) if (/[*?]/.test(sub)) fail(`sub ${sub} has a wildcard`);
  const prefix = `${GITHUB_SUBJECT}:`;
  for (const sub of subjects)
    if (!sub.startsWith(prefix)) fail(`sub ${sub} is not this repository's (${prefix}…)`);
  return subjects.map((sub) => sub.slice(prefix.length));
};
