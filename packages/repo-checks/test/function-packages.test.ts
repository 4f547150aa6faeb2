import { describe, expect, it } from "vitest";
import { listDir, readRepoFile } from "./repo.js";

const FUNCTION_IDS = ["upload", "transform", "orphan-cleanup", "daily-stats", "alerts"];
const present = (await listDir("packages/functions")).filter((d) => FUNCTION_IDS.includes(d));

describe("function packages", () => {
  it("use only the five function ids", async () => {
    for (const dir of await listDir("packages/functions")) expect(FUNCTION_IDS).toContain(dir);
  });

  it.each(present)("%s follows the house layout", async (id) => {
    const pkg = JSON.parse(await readRepoFile(`packages/functions/${id}/package.json`)) as {
      name: string;
      scripts: Record<string, string>;
      exports?: Record<string, string>;
      lambda?: { handler?: string; verifyEnv?: Record<string, string> };
    };
    expect(pkg.name).toBe(`@lambda-lab/${id}`);
    expect(pkg.scripts.build).toBe("lambda-artifact build");
    expect(pkg.scripts.test).toBeDefined();
    expect(pkg.exports?.["./env"]).toBe("./src/env.ts");
    expect(pkg.lambda?.handler).toBe("index.handler");
    expect(Object.keys(pkg.lambda?.verifyEnv ?? {}).length).toBeGreaterThan(0);
    for (const file of ["README.md", "src/index.ts", "src/env.ts", "src/handler.ts"])
      await expect(readRepoFile(`packages/functions/${id}/${file}`)).resolves.toBeTruthy();
    // env.ts is the only file that reads process.env (index.ts passes it in: loadEnv() defaults to it).
    const readers: string[] = [];
    for (const file of await listDir(`packages/functions/${id}/src`)) {
      if (!file.endsWith(".ts") || file === "env.ts") continue;
      if (/process\.env/.test(await readRepoFile(`packages/functions/${id}/src/${file}`))) readers.push(file);
    }
    expect(readers).toEqual([]);
  });
});
