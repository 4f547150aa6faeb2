import { existsSync, renameSync } from "node:fs";
import { copyFile, cp, mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { bundleFunction } from "./bundle.js";
import { writeDeterministicZip } from "./deterministic-zip.js";
import { type Arch, type FunctionPackage, readFunctionPackage } from "./lambda-config.js";
import { locatePackageDir } from "./locate.js";
import { copyNativeModules } from "./native-modules.js";
import { type NodeRuntime, oldestRuntime } from "./runtimes.js";
import { stackRuntimes } from "./stack-runtimes.js";
import {
  ArtifactError,
  type PreparedProbe,
  probeFolder,
  type VerifyReport,
  verifyArtifact,
} from "./verify.js";

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

/** Which runtimes a build is for: the bundle targets `target`, the verifier imports it on each of `probe`. */
export interface BuildRuntimes {
  target: NodeRuntime;
  probe: readonly NodeRuntime[];
}

/** What the project's stacks deploy: target the oldest, probe on every one (the same zip goes to each). */
export const deployedRuntimes = (packageDir: string): BuildRuntimes => {
  const { runtimes } = stackRuntimes(packageDir);
  return { target: oldestRuntime(runtimes), probe: runtimes };
};

export interface BuildOptions {
  /** Default: the runtimes the project's stacks deploy (deployedRuntimes). */
  runtimes?: BuildRuntimes;
  /**
   * Replace only the architectures built, keeping the others' artifacts (the lab builds this machine's
   * first). Default false: dist/ then holds exactly what was built, so a stale zip never outlives a build.
   */
  keepOtherArchs?: boolean;
}

let workCounter = 0;
/** A private folder beside dist/ (same file system, so the swap is a rename), matching `.dist-build-*`. */
export const privateWorkDir = (packageDir: string): string =>
  join(packageDir, `.dist-build-${process.pid}-${++workCounter}`);

/**
 * Builds a function package for each architecture: bundle once, then per architecture copy the native modules
 * built for it, write a deterministic zip and verify it. The probe import runs only for this machine's
 * architecture (the other one's native code cannot load here); its static checks run for both.
 */
export const buildFunction = async (
  packageDir: string,
  archs: readonly Arch[],
  options: BuildOptions = {},
): Promise<ArtifactResult[]> => {
  const pkg = await readFunctionPackage(packageDir);
  const runtimes = options.runtimes ?? deployedRuntimes(packageDir);
  // Everything is written to a private folder and swapped in at the end, so a running lab (or a second
  // build) never sees a half-written dist/.
  const workDir = privateWorkDir(packageDir);
  // At the depth of dist/<arch>/, so the source map's relative paths stay right once copied there.
  const staging = join(workDir, ".bundle");
  try {
    const bundle = await bundleFunction(
      join(packageDir, pkg.lambda.entry),
      join(staging, "index.mjs"),
      pkg.lambda.nativeModules,
      runtimes.target,
    );
    const results: ArtifactResult[] = [];
    for (const arch of archs)
      results.push(await assembleArtifact(pkg, arch, staging, bundle.bytes, workDir, runtimes.probe));
    await rm(staging, { recursive: true, force: true });
    if (options.keepOtherArchs) {
      for (const arch of archs) await swapArtifact(packageDir, workDir, arch, join(workDir, "retired"));
    } else {
      await rm(join(packageDir, "dist"), { recursive: true, force: true });
      await rename(workDir, join(packageDir, "dist"));
    }
    return results.map((r) => ({ ...r, ...artifactPaths(packageDir, r.arch) }));
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
};

/**
 * Writes `<outRoot>/<arch>/` (bundle, native modules, assets) and `<outRoot>/<arch>.zip`, and verifies the
 * zip; a problem throws an ArtifactError and leaves dist/ alone.
 */
export const assembleArtifact = async (
  pkg: FunctionPackage,
  arch: Arch,
  bundleDir: string,
  bundleBytes: number,
  outRoot: string,
  probeRuntimes: readonly NodeRuntime[],
  /** Probe processes already started for this artifact (prepareProbe with its handler, env and runtimes). */
  preparedProbe?: PreparedProbe,
): Promise<ArtifactResult> => {
  const dir = join(outRoot, arch);
  const zipPath = join(outRoot, `${arch}.zip`);
  await mkdir(dir, { recursive: true });
  for (const file of ["index.mjs", "index.mjs.map"]) await copyFile(join(bundleDir, file), join(dir, file));
  await copyNativeModules(pkg.dir, pkg.lambda.nativeModules, arch, join(dir, "node_modules"));
  for (const [folder, spec] of Object.entries(pkg.lambda.assets)) {
    const source = await locatePackageDir(spec, pkg.dir);
    await cp(source, join(dir, folder), { recursive: true, dereference: true });
  }
  // Native code for another CPU cannot load here; pure JavaScript can, whatever the target.
  const probe = arch === process.arch || pkg.lambda.nativeModules.length === 0;
  const check = { handler: pkg.lambda.handler, env: pkg.lambda.verifyEnv, runtimes: probeRuntimes };
  // The zip is written from this folder, file for file: the import probe runs on it while the zip is
  // written, instead of extracting the zip afterwards.
  const probing = probe ? (preparedProbe?.probe(dir) ?? probeFolder(dir, check)) : undefined;
  if (!probe) preparedProbe?.dispose();
  probing?.catch(() => undefined);
  const sha256 = await writeDeterministicZip(dir, zipPath);
  const verify = await verifyArtifact(zipPath, { ...check, arch, probe, probeResult: probing });
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

/**
 * Moves `<workDir>/<arch>/` and its zip into `dist/`, leaving every other architecture alone. The zip
 * replaces the old one in one rename; the folder takes two renames (old out of the way, new in), with no
 * await between them, so nothing in this process can start a worker from a missing folder. The old folder
 * goes to `retiredDir` (returned) and is the caller's to delete: a worker started from it may still run.
 */
export const swapArtifact = async (
  packageDir: string,
  workDir: string,
  arch: Arch,
  retiredDir: string,
): Promise<string | undefined> => {
  const target = artifactPaths(packageDir, arch);
  await mkdir(join(packageDir, "dist"), { recursive: true });
  await mkdir(retiredDir, { recursive: true });
  const retired = join(retiredDir, arch);
  await rename(join(workDir, `${arch}.zip`), target.zipPath);
  const hadOld = existsSync(target.dir);
  if (hadOld) renameSync(target.dir, retired);
  renameSync(join(workDir, arch), target.dir);
  return hadOld ? retired : undefined;
};
