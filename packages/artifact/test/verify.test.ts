import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyArtifact } from "../src/verify.js";
import { elfHeader, writeFixtureZip } from "./support/zip-fixtures.js";

const GOOD_HANDLER = "export const handler = async () => ({ statusCode: 200 });";
const host = process.arch === "arm64" ? "arm64" : "x64";
const other = host === "x64" ? "arm64" : "x64";
const ELF_MACHINE = { x64: 62, arm64: 183 } as const;

describe("artifact verifier", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "verify-test-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const zip = (name: string, entries: Parameters<typeof writeFixtureZip>[1]) =>
    writeFixtureZip(join(dir, name), entries);

  it("accepts a good artifact and proves the handler is a function by importing it", async () => {
    const path = await zip("good.zip", [
      {
        name: "index.mjs",
        data: `import { v } from "./lib/v.mjs"; ${GOOD_HANDLER} export const version = v;`,
      },
      { name: "lib/v.mjs", data: "export const v = 1;" },
    ]);
    const report = await verifyArtifact(path, { handler: "index.handler", arch: host, probe: true });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, files: 2, probed: true });
  });

  it("rejects a zip of the folder instead of its contents, and says it answers 502", async () => {
    const path = await zip("nested.zip", [{ name: "dist/index.mjs", data: GOOD_HANDLER }]);
    const report = await verifyArtifact(path, { handler: "index.handler", arch: host });
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]?.code).toBe("handler-not-at-root");
    expect(report.problems[0]?.message).toMatch(/dist\/index\.mjs, not at the zip root/);
    expect(report.problems[0]?.message).toMatch(/Runtime\.ImportModuleError/);
    expect(report.problems[0]?.message).toMatch(/502/);
    expect(report.problems[0]?.message).toMatch(/cd dist && zip -r/);
  });

  it("rejects a zip with no handler file at all", async () => {
    const path = await zip("missing.zip", [{ name: "app.mjs", data: GOOD_HANDLER }]);
    const report = await verifyArtifact(path, { handler: "index.handler", arch: host });
    expect(report.problems.map((p) => p.code)).toEqual(["handler-missing"]);
  });

  it("rejects a module that does not export the handler, naming what it does export", async () => {
    const path = await zip("no-export.zip", [
      { name: "index.mjs", data: "export const main = async () => 1;" },
    ]);
    const report = await verifyArtifact(path, { handler: "index.handler", arch: host, probe: true });
    expect(report.problems.map((p) => p.code)).toEqual(["export-missing"]);
    expect(report.problems[0]?.message).toMatch(
      /does not export "handler" \(it exports: main\).*Runtime\.HandlerNotFound/,
    );
  });

  it("rejects a handler export that is not a function", async () => {
    const path = await zip("not-function.zip", [{ name: "index.mjs", data: "export const handler = 42;" }]);
    const report = await verifyArtifact(path, { handler: "index.handler", arch: host, probe: true });
    expect(report.problems.map((p) => p.code)).toEqual(["export-not-function"]);
    expect(report.problems[0]?.message).toMatch(/is a number, not a function/);
  });

  it("reports an init that throws, as Lambda's init would", async () => {
    const path = await zip("init-throws.zip", [
      {
        name: "index.mjs",
        data: `if (!process.env.BUCKET_NAME) throw new Error("BUCKET_NAME is not set"); ${GOOD_HANDLER}`,
      },
    ]);
    const failing = await verifyArtifact(path, { handler: "index.handler", arch: host, probe: true });
    expect(failing.problems.map((p) => p.code)).toEqual(["init-failed"]);
    expect(failing.problems[0]?.message).toMatch(/BUCKET_NAME is not set/);
    const passing = await verifyArtifact(path, {
      handler: "index.handler",
      arch: host,
      probe: true,
      env: { BUCKET_NAME: "b" },
    });
    expect(passing.ok).toBe(true);
  });

  it("rejects a symlink entry", async () => {
    const path = await zip("symlink.zip", [
      { name: "index.mjs", data: GOOD_HANDLER },
      { name: "node_modules/sharp", data: "../.pnpm/sharp@0.35.5/node_modules/sharp", mode: 0o120777 },
    ]);
    const report = await verifyArtifact(path, { handler: "index.handler", arch: host });
    expect(report.problems.map((p) => p.code)).toEqual(["symlink"]);
    expect(report.problems[0]?.message).toMatch(/node_modules\/sharp is a symlink/);
  });

  it("rejects a native binary built for the other CPU", async () => {
    const path = await zip("wrong-cpu.zip", [
      { name: "index.mjs", data: GOOD_HANDLER },
      {
        name: "node_modules/addon/build/addon.node",
        data: elfHeader(ELF_MACHINE[other], ["libc.so.6", "GLIBC_2.26"]),
      },
    ]);
    const report = await verifyArtifact(path, { handler: "index.handler", arch: host });
    expect(report.problems.map((p) => p.code)).toEqual(["wrong-binary"]);
    expect(report.problems[0]?.message).toMatch(
      new RegExp(`built for ${other} but the function runs on ${host}`),
    );
  });

  it("rejects a musl (Alpine) binary and a macOS binary", async () => {
    const machO = Buffer.alloc(32);
    machO.writeUInt32BE(0xcffaedfe, 0);
    const path = await zip("wrong-os.zip", [
      { name: "index.mjs", data: GOOD_HANDLER },
      { name: "node_modules/a/a.node", data: elfHeader(ELF_MACHINE[host], ["libc.musl-x86_64.so.1"]) },
      { name: "node_modules/b/b.node", data: machO },
    ]);
    const report = await verifyArtifact(path, { handler: "index.handler", arch: host });
    expect(report.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/a\.node is linked against musl/),
      expect.stringMatching(/b\.node is a macOS \(Mach-O\) binary/),
    ]);
  });

  it("accepts a native binary for the right CPU and libc", async () => {
    const path = await zip("right-binary.zip", [
      { name: "index.mjs", data: GOOD_HANDLER },
      { name: "node_modules/a/a.node", data: elfHeader(ELF_MACHINE[host], ["libc.so.6"]) },
    ]);
    const report = await verifyArtifact(path, { handler: "index.handler", arch: host });
    expect(report).toMatchObject({ ok: true, nativeBinaries: ["node_modules/a/a.node"] });
  });

  it("rejects a package over 250 MB unzipped", async () => {
    // Zeros compress ~1000:1, so the zip itself stays small.
    const path = await zip("too-big-unzipped.zip", [
      { name: "index.mjs", data: GOOD_HANDLER },
      { name: "data.bin", data: Buffer.alloc(251 * 1024 * 1024) },
    ]);
    const report = await verifyArtifact(path, { handler: "index.handler", arch: host });
    expect(report.problems.map((p) => p.code)).toEqual(["too-large-unzipped"]);
    expect(report.problems[0]?.message).toMatch(/251\.0 MB, over Lambda's 250\.0 MB limit/);
  }, 60_000);

  it("rejects a zip over 50 MB", async () => {
    const { randomBytes } = await import("node:crypto");
    const path = await zip("too-big-zipped.zip", [
      { name: "index.mjs", data: GOOD_HANDLER },
      { name: "random.bin", data: randomBytes(51 * 1024 * 1024), compress: false },
    ]);
    const report = await verifyArtifact(path, { handler: "index.handler", arch: host });
    expect(report.problems.map((p) => p.code)).toEqual(["too-large-zipped"]);
  }, 60_000);

  it("rejects a file that is not a zip", async () => {
    const path = join(dir, "not-a.zip");
    await writeFile(path, "PK? no");
    const report = await verifyArtifact(path, { handler: "index.handler", arch: host });
    expect(report.problems.map((p) => p.code)).toEqual(["not-a-zip"]);
  });
});
