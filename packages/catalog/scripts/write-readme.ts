/**
 * Writes the README's function table from the catalog (between its markers). `--check` exits 1 when the
 * README is not what it would write; repo-checks runs the same comparison.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { withFunctionTable } from "../src/readme.js";

const path = fileURLToPath(new URL("../../../README.md", import.meta.url));
const current = readFileSync(path, "utf8");
const next = withFunctionTable(current);
if (process.argv.includes("--check")) {
  if (next !== current) {
    console.error("README.md's function table is stale: run pnpm --filter @lambda-lab/catalog write:readme");
    process.exit(1);
  }
} else if (next !== current) {
  writeFileSync(path, next);
  console.log(`wrote ${path}`);
}
