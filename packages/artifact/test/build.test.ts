import { execFile } from "node:child_process";
import { cp, lstat, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectBinaryFormat } from "../src/binary-format.js";
import { buildFunction } from "../src/build.js";
import { writeDeterministicZip } from "../src/deterministic-zip.js";

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const host = process.arch === "arm64" ? "arm64" : "x64";

/** Every path under `dir` that is a symlink. */
const symlinksUnder = async (dir: string): Promise<string[]> => {
  const found: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (entry.isSymbolicLink()) found.push(join(entry.parentPath, entry.name));
  return found;
};

describe("artifact builder", () => {
  let work: string;
  beforeAll(async () => {
    // Build copies of the fixtures inside this package, so module resolution finds sharp as a real function would.
    work = await mkdtemp(join(fixtures, "..", ".build-"));
    await cp(fixtures, work, { recursive: true });
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("bundles index.mjs at the root with a source map and ships sharp for each architecture as real files", async () => {
    const results = await buildFunction(join(work, "native-fn"), ["x64", "arm64"]);
    expect(results.map((r) => [r.arch, r.verify.ok])).toEqual([
      ["x64", true],
      ["arm64", true],
    ]);
    for (const r of results) {
      const files = await readdir(r.dir);
      expect(files).toEqual(expect.arrayContaining(["index.mjs", "index.mjs.map", "node_modules"]));
      expect(await symlinksUnder(r.dir)).toEqual([]);
      const lib = join(r.dir, "node_modules", "@img", `sharp-linux-${r.arch}`, "lib");
      const addon = (await readdir(lib)).find((f) => f.endsWith(".node"));
      expect(addon).toMatch(new RegExp(`^sharp-linux-${r.arch}.*\\.node$`));
      const binary = join(lib, addon!);
      expect(detectBinaryFormat(await readFile(binary))).toEqual({
        kind: "elf",
        machine: r.arch,
        libc: "glibc",
      });
      expect((await lstat(binary)).isFile()).toBe(true);
      // The other CPU's and musl's packages stay out.
      const img = await readdir(join(r.dir, "node_modules", "@img"));
      expect(
        img.filter((name) => name.includes("musl") || name.includes(r.arch === "x64" ? "arm64" : "x64")),
      ).toEqual([]);
    }
    // Only the host architecture can be imported here: the probe ran for it alone.
    expect(results.find((r) => r.arch === host)?.verify.probed).toBe(true);
    expect(results.find((r) => r.arch !== host)?.verify.probed).toBe(false);
  }, 120_000);

  it("runs the built handler from its own folder, with sharp loading from the artifact", async () => {
    const [result] = await buildFunction(join(work, "native-fn"), [host]);
    const script = `import(${JSON.stringify(join(result!.dir, "index.mjs"))}).then(m => m.handler()).then(r => console.log(JSON.stringify(r)))`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? "", GREETING: "hi" },
    });
    expect(JSON.parse(stdout)).toEqual({ greeting: "hi", width: 3 });
  }, 120_000);

  it("gives byte-identical zips for the same sources, in any time zone", async () => {
    const first = await buildFunction(join(work, "plain-fn"), ["x64"]);
    const second = await buildFunction(join(work, "plain-fn"), ["x64"]);
    expect(second[0]?.sha256).toBe(first[0]?.sha256);

    const zipIn = async (tz: string) => {
      const out = join(work, `plain-${tz.replace("/", "-")}.zip`);
      const script = `import { writeDeterministicZip } from ${JSON.stringify(fileURLToPath(new URL("../src/deterministic-zip.ts", import.meta.url)))}; console.log(await writeDeterministicZip(${JSON.stringify(first[0]!.dir)}, ${JSON.stringify(out)}))`;
      const { stdout } = await run(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", script],
        {
          env: { ...process.env, TZ: tz },
        },
      );
      return stdout.trim();
    };
    expect(await zipIn("Asia/Seoul")).toBe(await zipIn("America/Los_Angeles"));
    expect(await zipIn("UTC")).toBe(first[0]?.sha256);
  }, 120_000);

  it("gives a different zip when a source changes", async () => {
    const before = await buildFunction(join(work, "plain-fn"), ["x64"]);
    await cp(join(fixtures, "plain-fn", "src", "helper.ts"), join(work, "plain-fn", "src", "helper.ts"));
    const { writeFile } = await import("node:fs/promises");
    await writeFile(
      join(work, "plain-fn", "src", "helper.ts"),
      'export const helper = (name: string) => "hi, " + name;\n',
    );
    const after = await buildFunction(join(work, "plain-fn"), ["x64"]);
    expect(after[0]?.sha256).not.toBe(before[0]?.sha256);
  }, 120_000);

  it("refuses a directory that holds a symlink when zipping", async () => {
    const { symlink, mkdir } = await import("node:fs/promises");
    const dir = join(work, "with-link");
    await mkdir(dir, { recursive: true });
    await symlink("/etc/hostname", join(dir, "link"));
    await expect(writeDeterministicZip(dir, join(work, "with-link.zip"))).rejects.toThrow(/is a symlink/);
  });
});

describe("lambda-artifact CLI", () => {
  const cli = fileURLToPath(new URL("../bin/lambda-artifact.mjs", import.meta.url));

  it("verifies a zip and fails with the cause and the fix", async () => {
    const { writeFixtureZip } = await import("./support/zip-fixtures.js");
    const dir = await mkdtemp(join(tmpdir(), "cli-"));
    const zip = await writeFixtureZip(join(dir, "nested.zip"), [
      { name: "build/index.mjs", data: "export const handler = () => 1;" },
    ]);
    const failure = await run(process.execPath, [cli, "verify", zip]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/\[handler-not-at-root\].*502/);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
});
