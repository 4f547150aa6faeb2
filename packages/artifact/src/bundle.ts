import { type BuildOptions, build } from "esbuild";
import { DEFAULT_NODE_RUNTIME, NODE_RUNTIMES, type NodeRuntime } from "./runtimes.js";

/**
 * esbuild options for a Lambda bundle on a managed Node.js runtime: one ESM file, minified, with a linked
 * source map (the Pulumi program sets NODE_OPTIONS=--enable-source-maps so stack traces point at the sources),
 * syntax for that runtime's Node major. The banner gives CommonJS dependencies a real `require` for Node
 * built-ins inside an ES module. The one source of esbuild options: the CLI build, the lab's hot reload and
 * the benchmarks all start from it.
 */
export const lambdaBuildOptions = (
  external: readonly string[] = [],
  runtime: NodeRuntime = DEFAULT_NODE_RUNTIME,
): BuildOptions => ({
  bundle: true,
  platform: "node",
  format: "esm",
  target: NODE_RUNTIMES[runtime].esbuildTarget,
  minify: true,
  sourcemap: "linked",
  sourcesContent: false,
  legalComments: "none",
  mainFields: ["module", "main"],
  // pg's optional native binding is never used; keep esbuild from failing to resolve it.
  external: ["pg-native", ...external],
  banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
  logLevel: "silent",
});

export interface BundleResult {
  outfile: string;
  bytes: number;
  warnings: string[];
}

/** Bundles `entry` into `outfile` (index.mjs + index.mjs.map). Native modules stay external: they ship as files. */
export const bundleFunction = async (
  entry: string,
  outfile: string,
  external: readonly string[],
  runtime: NodeRuntime = DEFAULT_NODE_RUNTIME,
): Promise<BundleResult> => {
  const result = await build({
    ...lambdaBuildOptions(external, runtime),
    entryPoints: [entry],
    outfile,
    metafile: true,
  });
  const output = result.metafile?.outputs;
  const bytes = Object.entries(output ?? {}).find(([path]) => path.endsWith(".mjs"))?.[1].bytes ?? 0;
  return { outfile, bytes, warnings: result.warnings.map((w) => w.text) };
};
