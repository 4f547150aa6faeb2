import { mkdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { type BuildContext, context, formatMessages, type Message } from "esbuild";
import {
  type ArtifactResult,
  artifactPaths,
  assembleArtifact,
  type BuildRuntimes,
  privateWorkDir,
  swapArtifact,
} from "./build.js";
import { lambdaBuildOptions } from "./bundle.js";
import { type Arch, type FunctionPackage, readFunctionPackage } from "./lambda-config.js";
import { prepareProbe } from "./verify.js";

/** esbuild could not bundle the sources: the messages as esbuild prints them (file:line:col, the code, a caret). */
export class BundleError extends Error {
  override name = "BundleError";
  constructor(
    readonly id: string,
    readonly messages: string[],
  ) {
    super(`${id}: the bundle failed:\n${messages.join("\n")}`);
  }
}

export interface RebuildResult {
  artifact: ArtifactResult;
  /** The previous `dist/<arch>/`, moved aside; delete it once nothing runs from it (`discard`). */
  retiredDir: string | undefined;
  /** Deletes the retired folder (and the private work folder it sits in). */
  discard(): Promise<void>;
  timings: { bundleMs: number; assembleMs: number; swapMs: number; totalMs: number };
}

export interface IncrementalBuild {
  readonly pkg: FunctionPackage;
  readonly arch: Arch;
  /**
   * The source files that put code in the last bundle, outside node_modules (the function's own and the
   * workspace packages it bundles), from its source map's `sources`: a file that adds no code (types only, a
   * barrel of re-exports) is not among them, so a watcher watches their folders. Empty before the first
   * rebuild.
   */
  inputs(): string[];
  /**
   * Bundles again (esbuild reuses what did not change), assembles and verifies `dist/<arch>/` in a private
   * folder and swaps it in. Throws BundleError or ArtifactError and leaves dist/ as it was.
   */
  rebuild(): Promise<RebuildResult>;
  dispose(): Promise<void>;
}

/** A source map's `sources` (relative to the map's folder), outside node_modules, as absolute paths. */
export const sourcesOfMap = (mapText: string, mapDir: string): string[] => {
  const { sources = [] } = JSON.parse(mapText) as { sources?: string[] };
  return sources.filter((s) => !s.includes("node_modules/")).map((s) => resolve(mapDir, s));
};

const format = async (messages: Message[], kind: "error" | "warning") =>
  formatMessages(messages, { kind, color: false, terminalWidth: 100 });

/**
 * One function's artifact for one architecture, rebuilt on demand through an esbuild incremental context
 * with the same options as `lambda-artifact build` (lambdaBuildOptions), so a reloaded artifact is the one
 * that would deploy. The verifier probes it on `runtimes.probe` (the lab passes its own runtime).
 */
export const createIncrementalBuild = async (
  packageDir: string,
  arch: Arch,
  runtimes: BuildRuntimes,
): Promise<IncrementalBuild> => {
  const pkg = await readFunctionPackage(packageDir);
  // write: false keeps the output in memory; the outfile still decides the source map's relative paths,
  // so it names where the file will live: dist/<arch>/index.mjs.
  const outfile = join(artifactPaths(packageDir, arch).dir, "index.mjs");
  const ctx: BuildContext = await context({
    ...lambdaBuildOptions(pkg.lambda.nativeModules, runtimes.target),
    entryPoints: [join(packageDir, pkg.lambda.entry)],
    outfile,
    // The CLI build's working directory.
    absWorkingDir: packageDir,
    write: false,
    // No metafile: for a bundle of ~1,000 inputs it is a fifth of each rebuild (measured by the lab bench),
    // and the source map the deploy build writes anyway names the sources.
    metafile: false,
  });
  let inputs: string[] = [];
  let disposed = false;
  let running: Promise<void> | undefined;
  const bundle = async () => {
    const result = await ctx.rebuild().catch(async (error: { errors?: Message[] }) => {
      throw new BundleError(pkg.id, error.errors ? await format(error.errors, "error") : [String(error)]);
    });
    const map = result.outputFiles?.find((f) => f.path.endsWith(".map"));
    if (map) inputs = sourcesOfMap(map.text, dirname(map.path));
    return result;
  };
  // The probe imports on this machine: only when the artifact can load here (assembleArtifact's rule).
  const probes = arch === process.arch || pkg.lambda.nativeModules.length === 0;
  const run = async (): Promise<RebuildResult> => {
    const started = performance.now();
    // Node's start is most of the probe's time: pay it while esbuild bundles. The processes import nothing
    // until the artifact folder is written, so the probe is the same fresh import it always was.
    const prepared = probes
      ? prepareProbe({ handler: pkg.lambda.handler, env: pkg.lambda.verifyEnv, runtimes: runtimes.probe })
      : undefined;
    let result: Awaited<ReturnType<typeof bundle>>;
    try {
      result = await bundle();
    } catch (error) {
      prepared?.dispose();
      throw error;
    }
    const bundleMs = performance.now() - started;
    const workDir = privateWorkDir(packageDir);
    const discard = () => rm(workDir, { recursive: true, force: true });
    try {
      const bundleDir = join(workDir, ".bundle");
      await mkdir(bundleDir, { recursive: true });
      let bytes = 0;
      for (const file of result.outputFiles ?? []) {
        await writeFile(join(bundleDir, basename(file.path)), file.contents);
        if (file.path.endsWith(".mjs")) bytes = file.contents.byteLength;
      }
      const artifact = await assembleArtifact(pkg, arch, bundleDir, bytes, workDir, runtimes.probe, prepared);
      const assembled = performance.now();
      const retiredDir = await swapArtifact(packageDir, workDir, arch, join(workDir, "retired"));
      const done = performance.now();
      return {
        artifact: { ...artifact, ...artifactPaths(packageDir, arch) },
        retiredDir,
        discard,
        timings: {
          bundleMs,
          assembleMs: assembled - started - bundleMs,
          swapMs: done - assembled,
          totalMs: done - started,
        },
      };
    } catch (error) {
      prepared?.dispose();
      await discard();
      throw error;
    }
  };
  // One at a time per function: two rebuilds would race for the same dist/<arch>.
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    if (disposed) return Promise.reject(new Error(`${pkg.id}: the incremental build was disposed`));
    const next = (running ?? Promise.resolve()).then(task);
    running = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  };
  return {
    pkg,
    arch,
    inputs: () => [...inputs],
    rebuild: () => serial(run),
    dispose: async () => {
      disposed = true;
      await running;
      await ctx.dispose();
    },
  };
};
