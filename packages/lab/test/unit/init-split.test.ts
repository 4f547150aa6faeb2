import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildFunction, lambdaBuildOptions } from "@lambda-lab/artifact";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseInitTiming, splitInit } from "../../src/runtime/init-split.js";
import {
  type LabFunction,
  type LambdaRuntime,
  startLambdaRuntime,
} from "../../src/runtime/lambda-runtime.js";
import { OPENS_WITH_CREATE_REQUIRE } from "../../src/runtime/protocol.mjs";

const host = process.arch === "arm64" ? "arm64" : "x64";
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/functions/${name}`, import.meta.url));
const SPIN_MS = 300;

describe("splitting an init duration", () => {
  it("gives the runtime what the import leaves of the whole, and the import's load and evaluation", () => {
    const split = splitInit(500, { importMs: 120, loadMs: 20, evaluateMs: 100 });
    expect(split).toEqual({ runtimeMs: 380, importMs: 120, loadMs: 20, evaluateMs: 100 });
  });

  it("keeps the import whole when the worker could not tell its load from its evaluation", () => {
    expect(splitInit(500, { importMs: 120 })).toEqual({ runtimeMs: 380, importMs: 120 });
  });

  it("gives no parts when the worker measured nothing or more than the whole (a debugger pause)", () => {
    expect(splitInit(500, undefined)).toBeUndefined();
    expect(splitInit(100, { importMs: 120 })).toBeUndefined();
  });

  it("reads only the header the bootstrap writes", () => {
    expect(parseInitTiming('{"importMs":12.5,"loadMs":2.5,"evaluateMs":10}')).toEqual({
      importMs: 12.5,
      loadMs: 2.5,
      evaluateMs: 10,
    });
    expect(parseInitTiming("not json")).toBeUndefined();
    expect(parseInitTiming('{"importMs":-1}')).toBeUndefined();
    expect(parseInitTiming(undefined)).toBeUndefined();
  });

  it("recognises the banner every built bundle opens with (lambdaBuildOptions)", () => {
    const banner = lambdaBuildOptions().banner?.js ?? "";
    expect(OPENS_WITH_CREATE_REQUIRE.test(`${banner}\nvar a=1;`)).toBe(true);
    expect(OPENS_WITH_CREATE_REQUIRE.test(`var a=1;${banner}`)).toBe(false);
  });
});

describe("the worker's init timing", () => {
  let work: string;
  let codeDir: string;
  let runtime: LambdaRuntime | undefined;
  const fn = (overrides: Partial<LabFunction> = {}): LabFunction => ({
    id: "slow-init",
    functionName: "lab-test-slow-init",
    arn: "arn:aws:lambda:eu-west-1:000000000000:function:lab-test-slow-init",
    codeDir,
    handler: "index.handler",
    memorySizeMb: 256,
    timeoutSeconds: 10,
    runtime: "nodejs24.x",
    region: "eu-west-1",
    environment: { INIT_SPIN_MS: String(SPIN_MS) },
    ...overrides,
  });
  const start = async (overrides: Partial<LabFunction> = {}) => {
    runtime = await startLambdaRuntime({ functions: [fn(overrides)] });
    return runtime;
  };

  beforeAll(async () => {
    // Built as every function is (the same esbuild options, so the same banner): the artifact is untouched.
    work = await mkdtemp(join(tmpdir(), "lab-init-split-"));
    const pkg = join(work, "slow-init");
    await cp(fixture("slow-init"), pkg, { recursive: true });
    await buildFunction(pkg, [host], { runtimes: { target: "nodejs24.x", probe: ["nodejs24.x"] } });
    codeDir = join(pkg, "dist", host);
  }, 60_000);
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  it("puts the composition root's top-level work in the evaluation, and the parts add up to Init Duration", async () => {
    // Prepare
    const rt = await start();
    // Act
    const cold = await rt.invoke("slow-init", {});
    const warm = await rt.invoke("slow-init", {});
    // Assess
    const split = cold.initSplit;
    expect(cold.status).toBe("success");
    expect(split?.evaluateMs).toBeGreaterThanOrEqual(SPIN_MS);
    expect(split?.loadMs).toBeGreaterThan(0);
    expect((split?.loadMs ?? 0) + (split?.evaluateMs ?? 0)).toBeCloseTo(split?.importMs ?? -1, 6);
    expect((split?.runtimeMs ?? 0) + (split?.importMs ?? 0)).toBeCloseTo(cold.initDurationMs ?? -1, 6);
    expect(split?.runtimeMs).toBeGreaterThan(0);
    expect(warm.cold).toBe(false);
    expect(warm.initSplit).toBeUndefined();
  }, 30_000);

  it("splits a failed init too, up to the throw", async () => {
    const rt = await start({ environment: { INIT_SPIN_MS: String(SPIN_MS), INIT_FAIL: "1" } });
    const failed = await rt.invoke("slow-init", {});
    expect(failed.status).toBe("error");
    expect(failed.body).toContain("failing at init, as asked");
    expect(failed.initSplit?.evaluateMs).toBeGreaterThanOrEqual(SPIN_MS);
  }, 30_000);

  it("keeps the import whole for a bundle that does not open with the build's banner", async () => {
    const rt = await start({ codeDir: fixture("probe"), runtime: "nodejs22.x" });
    const cold = await rt.invoke("slow-init", { n: 1 });
    expect(cold.status).toBe("success");
    expect(cold.initSplit?.importMs).toBeGreaterThan(0);
    expect(cold.initSplit).not.toHaveProperty("loadMs");
    expect(cold.initSplit).not.toHaveProperty("evaluateMs");
  }, 30_000);
});
