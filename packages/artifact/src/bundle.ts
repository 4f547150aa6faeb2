import { type BuildOptions, build } from "esbuild";

/**
 * esbuild options for a Lambda bundle on the nodejs22.x runtime: one ESM file, minified, with a linked
 * source map (the Pulumi program sets NODE_OPTIONS=--enable-source-maps so stack traces point at the sources).
 * The banner gives CommonJS dependencies a real `require` for Node built-ins inside an ES module.
 */
export const lambdaBuildOptions = (external: readonly string[] = []): BuildOptions => ({
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
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
): Promise<BundleResult> => {
  const result = await build({
    ...lambdaBuildOptions(external),
    entryPoints: [entry],
    outfile,
    metafile: true,
  });
  const output = result.metafile?.outputs;
  const bytes = Object.entries(output ?? {}).find(([path]) => path.endsWith(".mjs"))?.[1].bytes ?? 0;
  return { outfile, bytes, warnings: result.warnings.map((w) => w.text) };
};
