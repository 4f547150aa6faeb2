/**
 * The stack files: `stacks/Pulumi.<stack>.yaml` (Pulumi.yaml's `stackConfigDir`), read without the Pulumi
 * CLI. The list of stacks is the files that exist, so a new stack is one new file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { StackConfigError } from "./errors.js";
import { parseStackConfig } from "./parse.js";
import type { StackConfig } from "./schema.js";

/** The path of a stack's config file: `stacks/Pulumi.<stack>.yaml` under the repository root. */
export const stackConfigPath = (stack: string, repoRoot: string): string =>
  join(repoRoot, "stacks", `Pulumi.${stack}.yaml`);

const STACK_FILE = /^Pulumi\.([^.]+)\.yaml$/;

/** Every stack of the project, from the files in `stacks/`, sorted; tests and tools iterate these. */
export const listStacks = (repoRoot: string): string[] =>
  readdirSync(join(repoRoot, "stacks"))
    .map((file) => STACK_FILE.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();

/**
 * Reads and validates `stacks/Pulumi.<stack>.yaml` without the Pulumi CLI (the local lab uses this).
 * `secure:` values stay opaque `{ secure }` objects: only the CLI can decrypt them.
 */
export const readStackConfigFile = (stack: string, repoRoot: string): StackConfig => {
  const path = stackConfigPath(stack, repoRoot);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new StackConfigError(stack, [`cannot read ${path}: ${(error as Error).message}`]);
  }
  const doc = (parseYaml(text) ?? {}) as { config?: Record<string, unknown> };
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new StackConfigError(stack, [`${path} is not a YAML mapping`]);
  }
  return parseStackConfig(stack, doc.config ?? {});
};
