/**
 * Builds the pack into what Pulumi's policy runner can load: `dist/index.cjs`, the file package.json's
 * `main` names. The runner (`@pulumi/pulumi/cmd/run-policy-pack`) is started with plain `node` and
 * `require()`s the pack directory, so Node reads `main`. It reads no PulumiPolicy.yaml runtime option (no
 * `nodeargs`, no tsx; pulumi/pulumi#4830), so the entry must be CommonJS JavaScript, not ESM TypeScript.
 *
 * `pnpm build` runs this file; the runner test builds through `buildPack` so it checks the current source.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const PACK_DIR = dirname(fileURLToPath(import.meta.url));
/** Must match package.json's `main`: the runner loads nothing else. */
export const PACK_ENTRY = "dist/index.cjs";

interface Manifest {
  main?: string;
  dependencies?: Record<string, string>;
}

/**
 * npm dependencies stay `require()`s, resolved from the pack's node_modules as for any Pulumi pack: the
 * pack must use the same @pulumi/pulumi (proto classes, `instanceof` checks) as the runner that loads it.
 * Workspace packages are TypeScript source the runner cannot load, so they are bundled in.
 */
export const externalsOf = (manifest: Manifest): string[] =>
  Object.entries(manifest.dependencies ?? {})
    .filter(([, version]) => !version.startsWith("workspace:"))
    .map(([name]) => name);

export const buildPack = async (packDir = PACK_DIR): Promise<string> => {
  const manifest = JSON.parse(readFileSync(join(packDir, "package.json"), "utf8")) as Manifest;
  if (manifest.main !== PACK_ENTRY) {
    throw new Error(
      `package.json "main" is ${JSON.stringify(manifest.main)}; Pulumi's runner loads "main", so it must be "${PACK_ENTRY}"`,
    );
  }
  const outfile = join(packDir, PACK_ENTRY);
  await build({
    entryPoints: [join(packDir, "src/index.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: externalsOf(manifest),
    // The runner installs source-map-support, so violations thrown from a rule point at src/*.ts.
    sourcemap: "linked",
    logLevel: "warning",
  });
  return outfile;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outfile = await buildPack();
  console.log(`policy pack built: ${outfile}`);
}
