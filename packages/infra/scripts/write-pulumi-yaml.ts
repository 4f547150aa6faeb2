/**
 * Writes Pulumi.yaml's `config:` block from the stack-config schema (types, defaults, descriptions), keeping
 * the rest of the file and its comments as they are. `--check` exits 1 when the file is not what it would
 * write (the infra tests run the same comparison).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../src/artifacts.js";
import { renderPulumiYaml } from "../src/stack-config/pulumi-yaml.js";

const path = join(REPO_ROOT, "Pulumi.yaml");
const current = readFileSync(path, "utf8");
const next = renderPulumiYaml(current);
if (process.argv.includes("--check")) {
  if (next !== current) {
    console.error("Pulumi.yaml is stale: run pnpm --filter @lambda-lab/infra write:pulumi-yaml");
    process.exit(1);
  }
} else if (next !== current) {
  writeFileSync(path, next);
  console.log(`wrote ${path}`);
}
