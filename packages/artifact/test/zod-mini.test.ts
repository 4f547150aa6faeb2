/**
 * Every function validates with zod/mini, never classic zod (issue 17, cold-start budget): one classic import
 * anywhere in a bundle's graph brings classic zod's whole method-per-schema API back into Init. Checked on
 * the bundles themselves, built with the artifact builder's options, so a workspace package or a dependency
 * that imports "zod" fails here as surely as a function's own file.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build, type Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lambdaBuildOptions } from "../src/bundle.js";
import { type FunctionPackage, isArch, readFunctionPackage } from "../src/lambda-config.js";
import { copyNativeModules } from "../src/native-modules.js";
import { nodeBinary } from "../src/node-binary.js";
import { oldestRuntime } from "../src/runtimes.js";
import { stackRuntimes } from "../src/stack-runtimes.js";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const functionsDir = join(repo, "packages", "functions");
const runtime = oldestRuntime(stackRuntimes(repo).runtimes);

/** The zod files a bundle holds, as paths inside the zod package (`v4/mini/schemas.js`). */
const zodFilesOf = (metafile: Metafile): string[] =>
  Object.entries(metafile.outputs)
    .filter(([out]) => out.endsWith(".mjs"))
    .flatMap(([, output]) => Object.entries(output.inputs))
    .filter(([, input]) => input.bytesInOutput > 0)
    .flatMap(([path]) => {
      const inside = /(?:^|\/)node_modules\/zod\/(.+)$/.exec(path)?.[1];
      return inside === undefined ? [] : [inside];
    });

/** Classic zod: its v4 API (`v4/classic/`), zod 3 (`v3/`), or the package root that re-exports classic. */
const isClassic = (file: string) => /^(v4\/classic|v3)\//.test(file) || /^(index|v4\/index)\.js$/.test(file);

interface Built {
  pkg: FunctionPackage;
  file: string;
  zodFiles: string[];
}

let work: string;
const built: Built[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "zod-mini-"));
  const arch = process.arch;
  if (!isArch(arch)) throw new Error(`Lambda has no ${arch} CPU`);
  for (const name of (await readdir(functionsDir)).sort()) {
    const pkg = await readFunctionPackage(join(functionsDir, name)).catch(() => undefined);
    if (!pkg) continue;
    const file = join(work, pkg.id, "index.mjs");
    const result = await build({
      ...lambdaBuildOptions(pkg.lambda.nativeModules, runtime),
      entryPoints: [join(pkg.dir, pkg.lambda.entry)],
      outfile: file,
      metafile: true,
    });
    // Native modules (transform's sharp) next to the bundle, so it loads as it does on Lambda.
    if (pkg.lambda.nativeModules.length > 0)
      await copyNativeModules(pkg.dir, pkg.lambda.nativeModules, arch, join(dirname(file), "node_modules"));
    built.push({ pkg, file, zodFiles: zodFilesOf(result.metafile) });
  }
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("zod in the functions' bundles", () => {
  it("finds every function", () => {
    expect(built.map((b) => b.pkg.id)).toEqual([
      "alerts",
      "daily-stats",
      "orphan-cleanup",
      "transform",
      "upload",
    ]);
  });

  it("holds zod/mini and no classic zod", () => {
    for (const { pkg, zodFiles } of built) {
      expect(zodFiles.filter((file) => file.startsWith("v4/mini/")).length, pkg.id).toBeGreaterThan(0);
      expect(zodFiles.filter(isClassic), pkg.id).toEqual([]);
    }
  });

  it("words a bad variable in English at init, with no classic zod to register the locale", async () => {
    // AWS_ACCESS_KEY_ID is in every function's schema; "" breaks a built-in check (no message of our own).
    for (const { pkg, file } of built) {
      const env = { PATH: process.env.PATH ?? "", ...pkg.lambda.verifyEnv, AWS_ACCESS_KEY_ID: "" };
      const failed = await run(
        nodeBinary(runtime).path,
        ["--input-type=module", "-e", `await import(${JSON.stringify(pathToFileURL(file).href)})`],
        { env },
      ).then(
        () => undefined,
        (error: { stderr: string }) => error.stderr,
      );
      expect(failed, pkg.id).toContain(
        `${pkg.id}: invalid environment: AWS_ACCESS_KEY_ID: Too small: expected string to have >=1 characters`,
      );
    }
  }, 60_000);
});
