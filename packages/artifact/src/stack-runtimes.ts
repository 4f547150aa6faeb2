import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { DEFAULT_NODE_RUNTIME, NODE_RUNTIMES, type NodeRuntime, parseNodeRuntime } from "./runtimes.js";

const KEY = "lambdaRuntime";

const readYaml = (path: string): Record<string, unknown> => {
  const doc = parseYaml(readFileSync(path, "utf8")) as unknown;
  return doc && typeof doc === "object" ? (doc as Record<string, unknown>) : {};
};

/** The nearest folder at or above `from` with a Pulumi.yaml, or undefined outside a Pulumi project. */
export const findPulumiProject = (from: string): string | undefined => {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
};

export interface StackRuntimes {
  /** Every runtime some stack deploys, oldest first. */
  runtimes: NodeRuntime[];
  /** Where each came from, for messages: `stacks/Pulumi.dev.yaml: nodejs24.x (the default)`. */
  sources: string[];
}

/**
 * The Lambda runtimes the Pulumi project's stacks deploy: each `stacks/Pulumi.<stack>.yaml`'s
 * `<project>:lambdaRuntime`, or the default Pulumi.yaml declares for it (written there from the stack
 * schema in packages/infra). The builder targets the oldest and the verifier probes every one, because the
 * same zip goes to every stack. Outside a Pulumi project: the default runtime.
 */
export const stackRuntimes = (from: string): StackRuntimes => {
  const root = findPulumiProject(from);
  if (!root) return { runtimes: [DEFAULT_NODE_RUNTIME], sources: ["(no Pulumi.yaml: the default)"] };
  const project = readYaml(join(root, "Pulumi.yaml"));
  const name = typeof project.name === "string" ? project.name : "";
  const declared = (project.config as Record<string, { default?: unknown }> | undefined)?.[KEY]?.default;
  const fallback =
    typeof declared === "string"
      ? parseNodeRuntime(declared, `Pulumi.yaml config.${KEY}.default`)
      : DEFAULT_NODE_RUNTIME;
  const stackDir = join(root, typeof project.stackConfigDir === "string" ? project.stackConfigDir : ".");
  const files = existsSync(stackDir)
    ? readdirSync(stackDir)
        .filter((f) => /^Pulumi\.[^.]+\.ya?ml$/.test(f))
        .sort()
    : [];
  const found = new Map<NodeRuntime, string[]>();
  const note = (runtime: NodeRuntime, where: string) =>
    found.set(runtime, [...(found.get(runtime) ?? []), where]);
  for (const file of files) {
    const config = (readYaml(join(stackDir, file)).config ?? {}) as Record<string, unknown>;
    const value = config[`${name}:${KEY}`];
    if (value === undefined) note(fallback, `${file} (default)`);
    else note(parseNodeRuntime(String(value), `${file} ${name}:${KEY}`), file);
  }
  if (files.length === 0) note(fallback, "Pulumi.yaml default (no stack files)");
  const runtimes = [...found.keys()].sort((a, b) => NODE_RUNTIMES[a].major - NODE_RUNTIMES[b].major);
  return { runtimes, sources: runtimes.map((r) => `${r}: ${(found.get(r) ?? []).join(", ")}`) };
};
