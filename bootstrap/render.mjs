#!/usr/bin/env node
// Prints a bootstrap policy document with its ${NAME} placeholders filled from the environment:
//   ACCOUNT_ID=123456789012 GITHUB_SUBJECT=repo:your-org/lambda-lab node bootstrap/render.mjs aws/trust-preview-pr.json
// The documents stay plain JSON so the AWS CLI, Pulumi Cloud's UI and the repo-checks tests read the same text.
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";

export class BootstrapRenderError extends Error {}

const NAME = "[A-Za-z0-9-]+";
const REPO = "[A-Za-z0-9._-]+";

/** What each placeholder must look like; a value that does not match would widen or break the policy. */
export const PLACEHOLDERS = {
  ACCOUNT_ID: { pattern: /^\d{12}$/, meaning: "a 12-digit AWS account id" },
  // GitHub's default subject prefix; repositories with immutable subjects (the default for repositories
  // created or renamed since 2026-07-15) send the owner and repository ids after an "@".
  GITHUB_SUBJECT: {
    pattern: new RegExp(`^repo:${NAME}(@\\d+)?/${REPO}(@\\d+)?$`),
    meaning:
      "repo:OWNER/REPO, or repo:OWNER@OWNER_ID/REPO@REPO_ID when the repository uses immutable subjects",
  },
  PULUMI_ORG: { pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, meaning: "a Pulumi Cloud organization name" },
  STATE_BUCKET: { pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, meaning: "an S3 bucket name" },
  STACK: { pattern: /^[a-z0-9][a-z0-9-]*$/, meaning: "a stack name from stacks/Pulumi.<stack>.yaml" },
  // kms:Decrypt is authorised against the key ARN; an alias ARN would never match.
  SECRETS_KEY_ARN: {
    pattern: /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/,
    meaning: "a KMS key ARN, arn:aws:kms:REGION:ACCOUNT:key/KEY_ID (not an alias)",
  },
};

const PLACEHOLDER = /\$\{([A-Z_]+)\}/g;

/** The placeholder names a template uses, in order of first use. */
export const placeholdersOf = (template) => [
  ...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1])),
];

/** Fills every placeholder of `template` from `values` and returns the parsed document. */
export const render = (template, values) => {
  const problems = [];
  for (const name of placeholdersOf(template)) {
    const rule = PLACEHOLDERS[name];
    const value = values[name];
    if (!rule) problems.push(`\${${name}} is not a known placeholder`);
    else if (value === undefined || value === "") problems.push(`${name} is not set (${rule.meaning})`);
    else if (!rule.pattern.test(value))
      problems.push(`${name}=${JSON.stringify(value)} is not ${rule.meaning}`);
  }
  if (problems.length > 0) throw new BootstrapRenderError(problems.join("\n"));
  return JSON.parse(template.replace(PLACEHOLDER, (_, name) => values[name]));
};

const bootstrapDir = fileURLToPath(new URL(".", import.meta.url));

/** Reads a document by its path under bootstrap/ (or an absolute path) and renders it. */
export const renderFile = (path, values) =>
  render(readFileSync(isAbsolute(path) ? path : join(bootstrapDir, path), "utf8"), values);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [path] = process.argv.slice(2);
  if (!path) {
    console.error(
      "usage: node bootstrap/render.mjs <document under bootstrap/, e.g. aws/trust-deploy-prod.json>",
    );
    process.exit(2);
  }
  try {
    console.log(JSON.stringify(renderFile(path, process.env), null, 2));
  } catch (error) {
    console.error(`bootstrap/${path}: ${error.message}`);
    process.exit(1);
  }
}
