import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CatalogId, FUNCTIONS } from "@lambda-lab/catalog";
import * as pulumi from "@pulumi/pulumi";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Where each deployable's package lives (the catalog says); its build writes dist/<arch>.zip there. */
export const packageDirOf = (id: CatalogId): string => join(REPO_ROOT, FUNCTIONS[id].package.dir);

export interface Artifact {
  zipPath: string;
  code: pulumi.asset.FileArchive;
  /** base64 SHA-256 of the zip (what Lambda reports as CodeSha256); the builder's zips are deterministic. */
  sourceCodeHash: string | undefined;
}

export class ArtifactMissingError extends Error {
  override name = "ArtifactMissingError";
}

/**
 * The verified artifact of a function for the stack's architecture. With `requireBuilt` (real runs) a missing
 * zip fails before anything is planned, naming the build command; mocked test runs may go without.
 */
export const loadArtifact = (
  id: CatalogId,
  arch: "arm64" | "x64",
  options: { requireBuilt: boolean },
): Artifact => {
  const zipPath = join(packageDirOf(id), "dist", `${arch}.zip`);
  const built = existsSync(zipPath);
  if (!built && options.requireBuilt) {
    throw new ArtifactMissingError(
      `${zipPath} is missing: build the functions first (LAMBDA_ARCHS=${arch} pnpm build); ` +
        `Lambda must get the ${arch} build, or sharp fails to load at runtime`,
    );
  }
  return {
    zipPath,
    code: new pulumi.asset.FileArchive(zipPath),
    sourceCodeHash: built ? createHash("sha256").update(readFileSync(zipPath)).digest("base64") : undefined,
  };
};
