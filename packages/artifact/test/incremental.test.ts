import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFunction } from "../src/build.js";
import { BundleError, createIncrementalBuild, type IncrementalBuild } from "../src/incremental.js";
import { nodeBinary } from "../src/node-binary.js";

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const host = process.arch === "arm64" ? "arm64" : "x64";
const other = host === "x64" ? "arm64" : "x64";
const runtimes = { target: "nodejs24.x", probe: ["nodejs24.x"] } as const;

/** Calls the handler in dist/<arch>/ on the runtime's own Node, as a fresh environment would. */
const invokeBuilt = async (dir: string, name: string) => {
  const script = `import(${JSON.stringify(join(dir, "index.mjs"))}).then(m => m.handler({ name: ${JSON.stringify(name)} })).then(r => console.log(JSON.stringify(r)))`;
  const { stdout } = await run(nodeBinary("nodejs24.x").path, ["--input-type=module", "-e", script]);
  return JSON.parse(stdout) as { message: string };
};

describe("incremental rebuild of one architecture", () => {
  let work: string;
  let fn: string;
  let build: IncrementalBuild;
  beforeAll(async () => {
    work = await mkdtemp(join(fixtures, "..", ".build-"));
    await cp(fixtures, work, { recursive: true });
    fn = join(work, "plain-fn");
    await buildFunction(fn, ["x64", "arm64"], { runtimes });
    build = await createIncrementalBuild(fn, host, runtimes);
  }, 120_000);
  afterAll(async () => {
    await build?.dispose();
    await rm(work, { recursive: true, force: true });
  });

  it("swaps in the new code for this architecture and leaves the other one's artifact alone", async () => {
    const otherZip = await readFile(join(fn, "dist", `${other}.zip`));
    const otherMtime = (await stat(join(fn, "dist", other, "index.mjs"))).mtimeMs;
    await writeFile(
      join(fn, "src", "helper.ts"),
      'export const helper = (name: string) => "hey, " + name;\n',
    );
    const result = await build.rebuild();
    expect(result.artifact.verify).toMatchObject({ ok: true, probed: true });
    expect(await invokeBuilt(join(fn, "dist", host), "ada")).toEqual({ message: "hey, ada" });
    expect(await readFile(join(fn, "dist", `${other}.zip`))).toEqual(otherZip);
    expect((await stat(join(fn, "dist", other, "index.mjs"))).mtimeMs).toBe(otherMtime);
    await result.discard();
  }, 60_000);

  it("keeps the replaced artifact runnable aside until it is discarded", async () => {
    await writeFile(join(fn, "src", "helper.ts"), 'export const helper = (name: string) => "yo, " + name;\n');
    const result = await build.rebuild();
    expect(result.retiredDir).toBeDefined();
    expect(await invokeBuilt(result.retiredDir!, "ada")).toEqual({ message: "hey, ada" });
    expect(await invokeBuilt(join(fn, "dist", host), "ada")).toEqual({ message: "yo, ada" });
    await result.discard();
    await expect(stat(result.retiredDir!)).rejects.toThrow(/ENOENT/);
  }, 60_000);

  it("gives the zip a one-shot build gives for the same sources: one set of esbuild options", async () => {
    const incremental = await build.rebuild();
    await incremental.discard();
    const [full] = await buildFunction(fn, [host], { runtimes, keepOtherArchs: true });
    expect(incremental.artifact.sha256).toBe(full?.sha256);
  }, 60_000);

  it("names the source files it bundled, for a watcher", () => {
    expect(build.inputs().sort()).toEqual([join(fn, "src", "helper.ts"), join(fn, "src", "index.ts")]);
  });

  it("keeps the old artifact serving when the new code does not compile, and reports esbuild's message", async () => {
    const before = await readFile(join(fn, "dist", `${host}.zip`));
    await writeFile(join(fn, "src", "helper.ts"), 'export const helper = (name: string) => "hi, + name;\n');
    const error = await build.rebuild().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).message).toMatch(
      /\[ERROR\] Unterminated string literal[\s\S]*src\/helper\.ts:1:\d+/,
    );
    expect(await readFile(join(fn, "dist", `${host}.zip`))).toEqual(before);
    expect(await invokeBuilt(join(fn, "dist", host), "ada")).toEqual({ message: "yo, ada" });
  }, 60_000);
});
