/**
 * The function packages follow the catalog: every catalog entry has its package where the catalog says,
 * under its name, and every package under packages/functions/ is a catalog entry. Sample events exist.
 */
import { CATALOG_IDS, FUNCTION_IDS, FUNCTIONS } from "@lambda-lab/catalog";
import { describe, expect, it } from "vitest";
import { listDir, readRepoFile } from "./repo.js";

interface PackageJson {
  name: string;
  scripts: Record<string, string>;
  exports?: Record<string, string>;
  lambda?: { handler?: string; verifyEnv?: Record<string, string> };
}
const packageJsonOf = async (dir: string) =>
  JSON.parse(await readRepoFile(`${dir}/package.json`)) as PackageJson;

describe("function packages", () => {
  it("are exactly the catalog's: none without an entry, no entry without its package", async () => {
    const dirs = (await listDir("packages/functions")).map((d) => `packages/functions/${d}`);
    const catalogued = CATALOG_IDS.map((id) => FUNCTIONS[id].package.dir);
    for (const dir of dirs) expect(catalogued, `${dir} has no catalog entry`).toContain(dir);
    for (const id of CATALOG_IDS) {
      const { dir, name } = FUNCTIONS[id].package;
      expect((await packageJsonOf(dir)).name, `${id}: ${dir}/package.json`).toBe(name);
    }
  });

  it.each(FUNCTION_IDS)("%s follows the house layout", async (id) => {
    const dir = FUNCTIONS[id].package.dir;
    const pkg = await packageJsonOf(dir);
    expect(dir).toBe(`packages/functions/${id}`);
    expect(pkg.name).toBe(`@lambda-lab/${id}`);
    expect(pkg.scripts.build).toBe("lambda-artifact build");
    expect(pkg.scripts.test).toBeDefined();
    expect(pkg.exports?.["./env"]).toBe("./src/env.ts");
    expect(pkg.lambda?.handler).toBe("index.handler");
    expect(Object.keys(pkg.lambda?.verifyEnv ?? {}).length).toBeGreaterThan(0);
    for (const file of ["README.md", "src/index.ts", "src/env.ts", "src/handler.ts"])
      await expect(readRepoFile(`${dir}/${file}`)).resolves.toBeTruthy();
    // env.ts is the only file that reads process.env (index.ts passes it in: loadEnv() defaults to it).
    const readers: string[] = [];
    for (const file of await listDir(`${dir}/src`)) {
      if (!file.endsWith(".ts") || file === "env.ts") continue;
      if (/process\.env/.test(await readRepoFile(`${dir}/src/${file}`))) readers.push(file);
    }
    expect(readers).toEqual([]);
  });

  it("export the schedule input of every scheduled function (@lambda-lab/<id>/events)", async () => {
    for (const id of CATALOG_IDS) {
      if (!FUNCTIONS[id].triggers.some((t) => t.kind === "schedule")) continue;
      const pkg = await packageJsonOf(FUNCTIONS[id].package.dir);
      expect(pkg.exports?.["./events"], id).toBeDefined();
    }
  });
});

describe("sample events", () => {
  it("are the files in packages/lab/events, each named by its function's entry", async () => {
    const files = (await listDir("packages/lab/events")).filter((f) => f.endsWith(".json"));
    const named = CATALOG_IDS.flatMap((id) => FUNCTIONS[id].sampleEvents as readonly string[]);
    expect([...named].sort()).toEqual(files);
    for (const file of files) JSON.parse(await readRepoFile(`packages/lab/events/${file}`));
  });
});
