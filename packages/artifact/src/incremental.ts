import { mkdir, rm, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
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
   * The source files the last bundle read, outside node_modules (the function's own and the workspace
   * packages it bundles): what a watcher should watch. Empty before the first rebuild.
   */
  inputs(): string[];
  /**
   * Bundles again (esbuild reuses what did not change), assembles and verifies `dist/<arch>/` in a private
   * folder and swaps it in. Throws BundleError or ArtifactError and leaves dist/ as it was.
   */
  rebuild(): Promise<RebuildResult>;
  dispose(): Promise<void>;
}

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
    // Where the metafile's input paths are relative to (and the CLI build's working directory).
    absWorkingDir: packageDir,
    write: false,
    metafile: true,
  });
  let inputs: string[] = [];
  let disposed = false;
  let running: Promise<void> | undefined;
  const bundle = async () => {
    const result = await ctx.rebuild().catch(async (error: { errors?: Message[] }) => {
      throw new BundleError(pkg.id, error.errors ? await format(error.errors, "error") : [String(error)]);
    });
    inputs = Object.keys(result.metafile?.inputs ?? {})
      .filter((p) => !p.includes("node_modules/") && !p.startsWith("<"))
      .map((p) => resolve(packageDir, p));
    return result;
  };
  const run = async (): Promise<RebuildResult> => {
    const started = performance.now();
    const result = await bundle();
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
      const artifact = await assembleArtifact(pkg, arch, bundleDir, bytes, workDir, runtimes.probe);
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
