import { mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BuildOptions, build } from "esbuild";

/** The options the artifact builder bundles every function with, so measurements match what ships. */
export const ARTIFACT_BUILD_OPTIONS = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  minify: true,
  mainFields: ["module", "main"],
  banner: { js: "import{createRequire}from'module';const require=createRequire(import.meta.url);" },
} as const satisfies BuildOptions;

export interface Bundle {
  file: string;
  bytes: number;
  /** Output bytes per npm package (or per source file outside node_modules), largest first. */
  inputs: [string, number][];
}

/** `…/node_modules/.pnpm/x/node_modules/@scope/name/dist/a.js` → `@scope/name`. */
const packageOf = (path: string): string => {
  const names = [...path.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((m) => m[1] ?? "");
  return names.filter((n) => n !== ".pnpm").at(-1) ?? path.replace(/^(\.\.\/)+/, "");
};

/**
 * Bundles one entry into a fresh temp dir. `entry` is a file path, or inline source resolved from
 * `resolveDir` (the naive baseline is written inline so it exists only in the benchmark).
 */
export const bundle = async (
  entry: { path: string } | { contents: string; resolveDir: string },
  name: string,
): Promise<Bundle> => {
  const outdir = await mkdtemp(join(tmpdir(), `upload-bundle-${name}-`));
  const file = join(outdir, "index.mjs");
  const result = await build({
    ...ARTIFACT_BUILD_OPTIONS,
    ...("path" in entry
      ? { entryPoints: [entry.path] }
      : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: "ts" as const } }),
    outfile: file,
    logLevel: "error",
    metafile: true,
  });
  const totals = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs))
    for (const [path, input] of Object.entries(output.inputs))
      totals.set(packageOf(path), (totals.get(packageOf(path)) ?? 0) + input.bytesInOutput);
  const inputs = [...totals].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return { file, bytes: (await stat(file)).size, inputs };
};
