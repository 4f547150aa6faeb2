import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { FUNCTION_IDS } from "@lambda-lab/infra/stack-config";
import { describe, expect, it } from "vitest";
import { REQUIRED_OUTPUTS, StackOutputs } from "../../src/outputs.js";

/**
 * The outputs the smoke test reads must be the ones the Pulumi program exports. index.ts cannot be imported
 * outside a Pulumi run (it reads the stack config at import), so its `export const` names are read from the
 * file the package resolves to: a rename there fails this test.
 */
const programExports = async (): Promise<string[]> => {
  const file = fileURLToPath(import.meta.resolve("@lambda-lab/infra"));
  const source = await readFile(file, "utf8");
  return [...source.matchAll(/^export const (\w+)\s*=/gm)].map((m) => m[1]!);
};

describe("the stack outputs the smoke test reads", () => {
  it("are exported by packages/infra/src/index.ts", async () => {
    const exported = await programExports();
    expect(exported.length).toBeGreaterThan(0);
    for (const name of REQUIRED_OUTPUTS) expect(exported).toContain(name);
  });

  it("are exactly the required keys of the schema, so the list cannot drift from it", () => {
    const required = Object.entries(StackOutputs.shape)
      .filter(([, schema]) => !schema.safeParse(undefined).success)
      .map(([name]) => name);
    expect(required.sort()).toEqual([...REQUIRED_OUTPUTS].sort());
  });

  it("name exactly the program's functions in functionNames", () => {
    expect(Object.keys(StackOutputs.shape.functionNames.shape).sort()).toEqual([...FUNCTION_IDS].sort());
  });
});
