import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { nodeBinary } from "../src/node-binary.js";
import { DEFAULT_NODE_RUNTIME, NODE_RUNTIMES, type NodeRuntime } from "../src/runtimes.js";
import { findPulumiProject, stackRuntimes } from "../src/stack-runtimes.js";
import { verifyArtifact } from "../src/verify.js";
import { writeFixtureZip } from "./support/zip-fixtures.js";

const run = promisify(execFile);
const host = process.arch === "arm64" ? "arm64" : "x64";
const RUNTIMES = Object.keys(NODE_RUNTIMES) as NodeRuntime[];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "runtimes-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the runtimes' Node.js binaries", () => {
  it.each(RUNTIMES)(
    "%s runs the Node.js major Lambda runs, whatever Node runs this test",
    async (runtime) => {
      const binary = nodeBinary(runtime);
      const { stdout } = await run(binary.path, ["-p", "process.version"]);
      expect(stdout.trim()).toBe(binary.version);
      expect(binary.version).toMatch(new RegExp(`^v${NODE_RUNTIMES[runtime].major}\\.`));
      expect(binary.source).toMatch(new RegExp(`^node-linux-${host}@${NODE_RUNTIMES[runtime].major}\\.`));
    },
  );

  it("names the runtime when its binary cannot be used here", () => {
    expect(() => nodeBinary("nodejs22.x", { arch: "ia32" })).toThrow(
      /nodejs22\.x runtime needs Linux on x64 or arm64/,
    );
  });

  it("names the runtime and the fix when its binary is not installed", async () => {
    // A holder package without its optional dependencies: as after `pnpm install --no-optional`.
    const holder = join(dir, "node_modules", "@lambda-lab", "node-runtimes");
    await mkdir(holder, { recursive: true });
    await writeFile(join(holder, "package.json"), '{ "name": "@lambda-lab/node-runtimes" }');
    expect(() => nodeBinary("nodejs24.x", { from: join(dir, "package.json") })).toThrow(
      /the nodejs24\.x runtime \(Node\.js 24 for linux-(x64|arm64)\) is not installed: .*Run `pnpm install`/,
    );
  });
});

describe("the runtimes a project's stacks deploy", () => {
  const project = async (name: string, files: Record<string, string>) => {
    const root = join(dir, name);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, ".."), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return root;
  };

  it("collects each stack's lambdaRuntime, and Pulumi.yaml's default for a stack that sets none, oldest first", async () => {
    const root = await project("two-stacks", {
      "Pulumi.yaml":
        "name: demo\nstackConfigDir: stacks\nconfig:\n  lambdaRuntime:\n    type: string\n    default: nodejs24.x\n",
      "stacks/Pulumi.dev.yaml": "config:\n  aws:region: eu-west-1\n",
      "stacks/Pulumi.prod.yaml": "config:\n  demo:lambdaRuntime: nodejs22.x\n",
      "packages/fn/package.json": "{}",
    });
    const found = stackRuntimes(join(root, "packages", "fn"));
    expect(found.runtimes).toEqual(["nodejs22.x", "nodejs24.x"]);
    expect(found.sources).toEqual(["nodejs22.x: Pulumi.prod.yaml", "nodejs24.x: Pulumi.dev.yaml (default)"]);
  });

  it("refuses a runtime it has no binary and target for, naming the file and the key", async () => {
    const root = await project("bad-stack", {
      "Pulumi.yaml": "name: demo\n",
      "Pulumi.dev.yaml": "config:\n  demo:lambdaRuntime: nodejs18.x\n",
    });
    expect(() => stackRuntimes(root)).toThrow(
      /Pulumi\.dev\.yaml demo:lambdaRuntime: unknown Lambda runtime "nodejs18\.x"; use nodejs22\.x or nodejs24\.x/,
    );
  });

  it("uses the default runtime outside a Pulumi project", () => {
    expect(stackRuntimes(tmpdir()).runtimes).toEqual([DEFAULT_NODE_RUNTIME]);
  });

  it("reads the same default as this repository's Pulumi.yaml, which the stack schema writes", async () => {
    const root = findPulumiProject(fileURLToPath(new URL(".", import.meta.url)));
    expect(root).toBeDefined();
    const doc = parseYaml(await readFile(join(root!, "Pulumi.yaml"), "utf8")) as {
      config: Record<string, { default?: string }>;
    };
    expect(doc.config.lambdaRuntime?.default).toBe(DEFAULT_NODE_RUNTIME);
  });
});

describe("the verifier's probe on a runtime", () => {
  // Error.isError came with V8 13.6 in Node.js 24.0.0 (its changelog's notable changes); Node 22 has V8 12.4.
  const NODE_24_ONLY = `const native = Error.isError(new Error("x"));\nexport const handler = async () => ({ native });\n`;

  it("fails a bundle that uses a Node.js 24 API on nodejs22.x, as Lambda's init would, and passes it on nodejs24.x", async () => {
    const zip = await writeFixtureZip(join(dir, "node24-only.zip"), [
      { name: "index.mjs", data: NODE_24_ONLY },
    ]);
    const on22 = await verifyArtifact(zip, {
      handler: "index.handler",
      arch: host,
      probe: true,
      runtimes: ["nodejs22.x"],
    });
    const on24 = await verifyArtifact(zip, {
      handler: "index.handler",
      arch: host,
      probe: true,
      runtimes: ["nodejs24.x"],
    });
    expect(on22.ok).toBe(false);
    expect(on22.problems.map((p) => p.code)).toEqual(["init-failed"]);
    expect(on22.problems[0]?.message).toMatch(
      /on nodejs22\.x \(Node\.js v22\.[\d.]+\) failed.*TypeError: Error\.isError is not a function/,
    );
    expect(on24).toMatchObject({ ok: true, probed: true });
    expect(on24.probedOn).toEqual([`nodejs24.x (Node.js ${nodeBinary("nodejs24.x").version})`]);
  });

  it("probes every runtime it is given, so a zip shared by a nodejs22.x and a nodejs24.x stack fails", async () => {
    const zip = await writeFixtureZip(join(dir, "shared.zip"), [{ name: "index.mjs", data: NODE_24_ONLY }]);
    const report = await verifyArtifact(zip, {
      handler: "index.handler",
      arch: host,
      probe: true,
      runtimes: ["nodejs22.x", "nodejs24.x"],
    });
    expect(report.ok).toBe(false);
    expect(report.probedOn).toEqual([`nodejs22.x (Node.js ${nodeBinary("nodejs22.x").version})`]);
  });
});
