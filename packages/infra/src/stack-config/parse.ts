/**
 * Validation of one stack's values: the schema (each key), the stack name's limits and the preflight
 * (cross-key rules), every problem reported at once; then the structured config the components get.
 */
import { PROJECT } from "@lambda-lab/catalog";
import type * as z from "zod";
import { qualified as key, StackConfigError } from "./errors.js";
import { preflight, stackNameProblems } from "./preflight.js";
import { functionSettingsOf, type StackConfig, StackConfigKeys, structureStackConfig } from "./schema.js";

const formatIssue = (issue: z.core.$ZodIssue): string[] => {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => `${key(k)}: unknown key (see Pulumi.yaml for the keys this project reads)`);
  }
  const path = issue.path.map(String);
  const name =
    path.length > 0
      ? key(path[0] ?? "") +
        path
          .slice(1)
          .map((p) => `[${p}]`)
          .join("")
      : "(config)";
  return [`${name}: ${issue.message}`];
};

/**
 * Validates a stack's configuration. `raw` holds the `lambda-lab` keys with or without the namespace and
 * typed values (from YAML, or config values already JSON-decoded by `decodePulumiConfigValues`).
 * Keys of other namespaces (`aws:region`) are ignored. Throws a StackConfigError naming every problem.
 */
export const parseStackConfig = (stack: string, raw: Record<string, unknown>): StackConfig => {
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith(`${PROJECT}:`)) own[k.slice(PROJECT.length + 1)] = v;
    else if (!k.includes(":")) own[k] = v;
  }
  const result = StackConfigKeys.safeParse(own);
  if (!result.success) throw new StackConfigError(stack, result.error.issues.flatMap(formatIssue));
  const keys = result.data;
  const problems = [...stackNameProblems(stack), ...preflight(keys, functionSettingsOf(keys))];
  if (problems.length > 0) throw new StackConfigError(stack, problems);
  return { stack, ...structureStackConfig(keys) };
};

/** The upload function rejects shorter token secrets (it signs bearer tokens with it). */
export const MIN_AUTH_TOKEN_LENGTH = 32;

/**
 * Secrets are set per stack with the CLI and are absent from a freshly cloned stack file, so reading a file
 * (the local lab) does not require them; a deployment does. Throws naming each missing secret and its command.
 */
export const requireDeploySecrets = (config: StackConfig): void => {
  const problems: string[] = [];
  const missing = (name: string, example: string) =>
    `${key(name)} is not set: pulumi config set --secret ${key(name)} ${example} --stack ${config.stack}`;
  if (config.upload.authMode === "token" && config.upload.authToken === undefined) {
    problems.push(
      `${key("uploadAuthMode")} is "token" but ${missing("uploadAuthToken", '"$(openssl rand -hex 32)"')}`,
    );
  }
  if (config.alerts.slackWebhookUrl === undefined) {
    problems.push(missing("slackWebhookUrl", "https://hooks.slack.com/services/…"));
  }
  if (typeof config.upload.authToken === "string" && config.upload.authToken.length < MIN_AUTH_TOKEN_LENGTH) {
    problems.push(`${key("uploadAuthToken")} must be at least ${MIN_AUTH_TOKEN_LENGTH} characters`);
  }
  if (problems.length > 0) throw new StackConfigError(config.stack, problems);
};
