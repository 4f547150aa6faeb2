import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The one command that builds every function's artifact (both architectures unless LAMBDA_ARCHS says). */
export const BUILD_COMMAND = "pnpm turbo build --filter=./packages/functions/*";

export const functionPackageDir = (repoRoot: string, id: string): string =>
  join(repoRoot, "packages", "functions", id);

/** `packages/functions/<id>/dist/<arch>/`: the unzipped artifact, index.mjs at its root (LAMBDA_TASK_ROOT). */
export const artifactDir = (repoRoot: string, id: string, arch: "x64" | "arm64"): string =>
  join(functionPackageDir(repoRoot, id), "dist", arch);

export const isBuilt = (dir: string): boolean => existsSync(join(dir, "index.mjs"));

const newestMtime = (dir: string): number => {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
};

/** Functions whose sources changed after their artifact was built (the lab warns; it runs what deploys). */
export const staleArtifacts = (repoRoot: string, ids: readonly string[], arch: "x64" | "arm64"): string[] =>
  ids.filter((id) => {
    const built = join(artifactDir(repoRoot, id, arch), "index.mjs");
    return (
      existsSync(built) &&
      newestMtime(join(functionPackageDir(repoRoot, id), "src")) > statSync(built).mtimeMs
    );
  });
