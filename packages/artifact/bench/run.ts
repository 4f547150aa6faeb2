// Builds every function package and prints, per artifact: build time, bundle size beside an unminified
// baseline, zip and unzipped sizes per architecture, and whether a rebuild gives the same zip (sha256).
import { readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { buildFunction } from "../src/build.js";
import { lambdaBuildOptions } from "../src/bundle.js";
import { readFunctionPackage } from "../src/lambda-config.js";

const functionsDir = fileURLToPath(new URL("../../functions/", import.meta.url));
const kib = (bytes: number) => (bytes / 1024).toFixed(1);

const rows: string[][] = [];
for (const id of (await readdir(functionsDir)).sort()) {
  const dir = join(functionsDir, id);
  const pkg = await readFunctionPackage(dir).catch(() => undefined);
  if (!pkg) continue;
  const naiveOut = join(tmpdir(), `naive-${id}.mjs`);
  await build({
    ...lambdaBuildOptions(pkg.lambda.nativeModules),
    minify: false,
    sourcemap: false,
    entryPoints: [join(dir, pkg.lambda.entry)],
    outfile: naiveOut,
  });
  const naiveBytes = (await stat(naiveOut)).size;
  await rm(naiveOut, { force: true });

  const started = performance.now();
  const first = await buildFunction(dir, ["x64", "arm64"]);
  const seconds = (performance.now() - started) / 1000;
  const second = await buildFunction(dir, ["x64", "arm64"]);
  for (const [i, r] of first.entries())
    rows.push([
      id,
      r.arch,
      seconds.toFixed(2),
      kib(naiveBytes),
      kib(r.bundleBytes),
      kib(r.zippedBytes),
      kib(r.unzippedBytes),
      second[i]?.sha256 === r.sha256 ? "yes" : "NO",
    ]);
}

const header = [
  "function",
  "arch",
  "build s (both archs)",
  "unminified KiB (baseline)",
  "bundle KiB",
  "zip KiB",
  "unzipped KiB",
  "same sha256 on rebuild",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ");
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const row of rows) console.log(line(row));
