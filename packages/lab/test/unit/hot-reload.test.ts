import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildFunction } from "@lambda-lab/artifact";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type HotReload, type ReloadRecord, startHotReload } from "../../src/hot-reload.js";
import { type LambdaRuntime, startLambdaRuntime } from "../../src/runtime/lambda-runtime.js";

const host = process.arch === "arm64" ? "arm64" : "x64";
const runtimes = { target: "nodejs24.x", probe: ["nodejs24.x"] } as const;
const body = (record: { body: string }) => JSON.parse(record.body) as { message: string; pid: number };

describe("hot reload", () => {
  let work: string;
  let pkg: string;
  let runtime: LambdaRuntime;
  let reloader: HotReload;
  const reloads: ReloadRecord[] = [];
  const nextReload = () =>
    new Promise<ReloadRecord>((resolve) => {
      const seen = reloads.length;
      const timer = setInterval(() => {
        if (reloads.length > seen) {
          clearInterval(timer);
          resolve(reloads[seen]!);
        }
      }, 10);
    });
  const save = (text: string) => writeFile(join(pkg, "src", "message.ts"), text);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "lab-reload-"));
    pkg = join(work, "reloadable");
    await cp(fileURLToPath(new URL("../fixtures/functions/reloadable", import.meta.url)), pkg, {
      recursive: true,
    });
    await buildFunction(pkg, [host], { runtimes });
    const codeDir = join(pkg, "dist", host);
    runtime = await startLambdaRuntime({
      functions: [
        {
          id: "reloadable",
          functionName: "lab-test-reloadable",
          arn: "arn:aws:lambda:eu-west-1:000000000000:function:lab-test-reloadable",
          codeDir,
          handler: "index.handler",
          memorySizeMb: 256,
          timeoutSeconds: 10,
          runtime: "nodejs24.x",
          region: "eu-west-1",
          environment: {},
          reservedConcurrency: 4,
        },
      ],
    });
    reloader = startHotReload({
      repoRoot: work,
      functions: [{ id: "reloadable", packageDir: pkg, codeDir }],
      arch: host,
      runtimes,
      runtime,
      onReload: (r) => reloads.push(r),
      log: () => {},
    });
  }, 60_000);
  afterAll(async () => {
    await reloader?.stop();
    await runtime?.stop();
    await rm(work, { recursive: true, force: true });
  });
  afterEach(async () => {
    // Each test starts from v1 served by a warm environment.
    if (body(await runtime.invoke("reloadable", {})).message !== "v1") {
      const done = nextReload();
      await save('export const MESSAGE = "v1";\n');
      await done;
    }
  });

  it("answers the next invocation after a save with the new code, from a cold start", async () => {
    const before = await runtime.invoke("reloadable", {});
    const reloaded = nextReload();
    await save('export const MESSAGE = "v2";\n');
    const record = await reloaded;
    const after = await runtime.invoke("reloadable", {});
    expect(record).toMatchObject({
      functionId: "reloadable",
      ok: true,
      changed: ["reloadable/src/message.ts"],
    });
    expect(body(before).message).toBe("v1");
    expect(body(after).message).toBe("v2");
    expect(after.cold).toBe(true);
    expect(body(after).pid).not.toBe(body(before).pid);
  }, 30_000);

  it("lets an invocation in flight finish on the old code", async () => {
    await runtime.invoke("reloadable", {});
    const inFlight = runtime.invoke("reloadable", { sleepMs: 1_500 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reloaded = nextReload();
    await save('export const MESSAGE = "v3";\n');
    await reloaded;
    const during = await runtime.invoke("reloadable", {});
    const old = await inFlight;
    expect(body(during).message).toBe("v3");
    expect(old.status).toBe("success");
    expect(body(old).message).toBe("v1");
    // Its environment made way for the new code once it finished.
    await expect.poll(() => runtime.state()[0]?.workers.some((w) => w.id === old.environmentId)).toBe(false);
  }, 30_000);

  it("keeps the old artifact serving when the new code does not build, and says why", async () => {
    const warm = await runtime.invoke("reloadable", {});
    const reloaded = nextReload();
    await save('export const MESSAGE = "v4;\n');
    const record = await reloaded;
    const still = await runtime.invoke("reloadable", {});
    expect(record.ok).toBe(false);
    expect(record.error).toMatch(/Unterminated string literal[\s\S]*src\/message\.ts:1:/);
    expect(body(still)).toEqual(body(warm));
    expect(still.cold).toBe(false);
  }, 30_000);

  it("watches a file in a new folder once the code imports it (the rebuild's source map names it)", async () => {
    // Prepare: message.ts now re-exports from a folder that did not exist when the watch started
    await mkdir(join(pkg, "src", "words"), { recursive: true });
    await writeFile(join(pkg, "src", "words", "word.ts"), 'export const WORD = "v5";\n');
    const first = nextReload();
    await save('export { WORD as MESSAGE } from "./words/word.js";\n');
    expect((await first).ok).toBe(true);
    expect(body(await runtime.invoke("reloadable", {})).message).toBe("v5");
    // Act: save only the new file
    const second = nextReload();
    await writeFile(join(pkg, "src", "words", "word.ts"), 'export const WORD = "v6";\n');
    const record = await second;
    // Assess
    expect(record.changed).toEqual(["reloadable/src/words/word.ts"]);
    expect(body(await runtime.invoke("reloadable", {})).message).toBe("v6");
  }, 30_000);
});
