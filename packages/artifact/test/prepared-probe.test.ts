import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareProbe } from "../src/verify.js";

// Error.isError came with V8 13.6 in Node.js 24.0.0; Node 22 has V8 12.4 (as in runtimes.test.ts).
const NODE_24_ONLY =
  "const native = Error.isError(new Error('x'));\nexport const handler = async () => ({ native });\n";

describe("a probe prepared before its folder exists (the hot reload starts it while esbuild bundles)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "prepared-probe-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const folder = async (name: string, files: Record<string, string>) => {
    const path = join(dir, name);
    await mkdir(path, { recursive: true });
    for (const [file, text] of Object.entries(files)) await writeFile(join(path, file), text);
    return path;
  };

  it("imports the folder written after it started, on the runtime's own Node.js, with the given env", async () => {
    // Prepare: the processes start first, the folder comes later (as a bundle finishing does)
    const probe = prepareProbe({
      handler: "index.handler",
      env: { GREETING: "hi" },
      runtimes: ["nodejs24.x"],
    });
    const path = await folder("later", {
      "index.mjs":
        "import { v } from './v.mjs'; if (process.env.GREETING !== 'hi') throw new Error('no env'); if (process.cwd() !== new URL('.', import.meta.url).pathname.replace(/\\/$/, '')) throw new Error('cwd ' + process.cwd()); export const handler = async () => v;",
      "v.mjs": "export const v = 1;",
    });
    // Act
    const result = await probe.probe(path);
    // Assess
    expect(result.problems).toEqual([]);
    expect(result.probedOn).toEqual([expect.stringMatching(/^nodejs24\.x \(Node\.js v24\./)]);
  });

  it("fails a Node.js 24 API on nodejs22.x, as Lambda's init would, and passes it on nodejs24.x", async () => {
    const path = await folder("node24", { "index.mjs": NODE_24_ONLY });
    const on22 = await prepareProbe({ handler: "index.handler", runtimes: ["nodejs22.x"] }).probe(path);
    const on24 = await prepareProbe({ handler: "index.handler", runtimes: ["nodejs24.x"] }).probe(path);
    expect(on22.problems.map((p) => p.code)).toEqual(["init-failed"]);
    expect(on22.problems[0]?.message).toMatch(/nodejs22\.x \(Node\.js v22\.[\s\S]*isError/);
    expect(on24.problems).toEqual([]);
  });

  it("reports an export that is not a function, and imports once only", async () => {
    const path = await folder("not-fn", { "index.mjs": "export const handler = 42;" });
    const probe = prepareProbe({ handler: "index.handler", runtimes: ["nodejs24.x"] });
    const result = await probe.probe(path);
    expect(result.problems.map((p) => p.code)).toEqual(["export-not-function"]);
    await expect(probe.probe(path)).rejects.toThrow(/once/);
  });
});
