import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** packages/architecture/src → the repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const DEPLOY_DOC = join(REPO_ROOT, "docs", "deploy.md");
export const diagramPaths = (stack: string) => ({
  svg: join(REPO_ROOT, "docs", `architecture-${stack}.svg`),
  mermaid: join(REPO_ROOT, "docs", `architecture-${stack}.mmd`),
});

/** Every stack with a file in stacks/ (Pulumi.<stack>.yaml), sorted. */
export const stackNames = (root = REPO_ROOT): string[] =>
  readdirSync(join(root, "stacks"))
    .map((f) => /^Pulumi\.([\w-]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
