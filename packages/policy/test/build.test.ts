import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildPack, externalsOf } from "../build.js";

describe("buildPack", () => {
  it("leaves npm dependencies to node_modules and bundles workspace packages", () => {
    const externals = externalsOf({
      dependencies: { "@pulumi/policy": "1.21.0", "@lambda-lab/shared": "workspace:*" },
    });

    expect(externals).toEqual(["@pulumi/policy"]);
  });

  it("refuses a package.json whose main is not the built entry the runner loads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "policy-pack-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ main: "src/index.ts" }));

    await expect(buildPack(dir)).rejects.toThrow(/"main" is "src\/index.ts".*must be "dist\/index.cjs"/);
  });
});
