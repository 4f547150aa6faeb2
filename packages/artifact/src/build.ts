import { copyFile, cp, mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { bundleFunction } from "./bundle.js";
import { writeDeterministicZip } from "./deterministic-zip.js";
import { type Arch, type FunctionPackage, readFunctionPackage } from "./lambda-config.js";
import { locatePackageDir } from "./locate.js";
import { copyNativeModules } from "./native-modules.js";
import { ArtifactError, type VerifyReport, verifyArtifact } from "./verify.js";

export interface ArtifactResult {
  id: string;
  arch: Arch;
  dir: string;
  zipPath: string;
  sha256: string;
  zippedBytes: number;
  unzippedBytes: number;
  bundleBytes: number;
  verify: VerifyReport;
}

/** `dist/<arch>/` holds the artifact's files (index.mjs at its root) and `dist/<arch>.zip` the zip of them. */
export const artifactPaths = (packageDir: string, arch: Arch, distDir = "dist") => ({
  dir: join(packageDir, distDir, arch),
  zipPath: join(packageDir, distDir, `${arch}.zip`),
});

/**
 * Builds a function package for each architecture: bundle once, then per architecture copy the native modules
 * built for it, write a deterministic zip and verify it. The probe import runs only for this machine's
 * architecture (the other one's native code cannot load here); its static checks run for both.
 */
export const buildFunction = async (
  packageDir: string,
  archs: readonly Arch[],
): Promise<ArtifactResult[]> => {
  const pkg = await readFunctionPackage(packageDir);
  // Everything is written to a private folder and swapped in at the end, so a running lab (or a second
  // build) never sees a half-written dist/.
  const workDir = `.dist-build-${process.pid}`;
  const staging = join(packageDir, workDir, ".bundle");
  await rm(join(packageDir, workDir), { recursive: true, force: true });
  try {
    const bundle = await bundleFunction(
      join(packageDir, pkg.lambda.entry),
      join(staging, "index.mjs"),
      pkg.lambda.nativeModules,
    );
    const results: ArtifactResult[] = [];
    for (const arch of archs) results.push(await assemble(pkg, arch, staging, bundle.bytes, workDir));
    await rm(staging, { recursive: true, force: true });
    await rm(join(packageDir, "dist"), { recursive: true, force: true });
    await rename(join(packageDir, workDir), join(packageDir, "dist"));
    return results.map((r) => ({ ...r, ...artifactPaths(packageDir, r.arch) }));
  } finally {
    await rm(join(packageDir, workDir), { recursive: true, force: true });
  }
};

const assemble = async (
  pkg: FunctionPackage,
  arch: Arch,
  staging: string,
  bundleBytes: number,
  distDir: string,
): Promise<ArtifactResult> => {
  const { dir, zipPath } = artifactPaths(pkg.dir, arch, distDir);
  await mkdir(dir, { recursive: true });
  for (const file of ["index.mjs", "index.mjs.map"]) await copyFile(join(staging, file), join(dir, file));
  await copyNativeModules(pkg.dir, pkg.lambda.nativeModules, arch, join(dir, "node_modules"));
  for (const [folder, spec] of Object.entries(pkg.lambda.assets)) {
    const source = await locatePackageDir(spec, pkg.dir);
    await cp(source, join(dir, folder), { recursive: true, dereference: true });
  }
  const sha256 = await writeDeterministicZip(dir, zipPath);
  const verify = await verifyArtifact(zipPath, {
    handler: pkg.lambda.handler,
    arch,
    // Native code for another CPU cannot load here; pure JavaScript can, whatever the target.
    probe: arch === process.arch || pkg.lambda.nativeModules.length === 0,
    env: pkg.lambda.verifyEnv,
  });
  if (!verify.ok) throw new ArtifactError(verify);
  return {
    id: pkg.id,
    arch,
    dir,
    zipPath,
    sha256,
    zippedBytes: (await stat(zipPath)).size,
    unzippedBytes: verify.unzippedBytes,
    bundleBytes,
    verify,
  };
};
