import { renderFunctionTable, TABLE_END, TABLE_START, withFunctionTable } from "@lambda-lab/catalog";
import { describe, expect, it } from "vitest";
import { readRepoFile } from "./repo.js";

describe("the README's function table", () => {
  it("is what the catalog writes (pnpm --filter @lambda-lab/catalog write:readme)", async () => {
    const readme = await readRepoFile("README.md");
    expect(readme).toContain(TABLE_START);
    expect(readme).toContain(TABLE_END);
    expect(withFunctionTable(readme)).toBe(readme);
  });

  it("fails on a hand edit inside the markers", async () => {
    const readme = await readRepoFile("README.md");
    const edited = readme.replace(renderFunctionTable(), renderFunctionTable().replace("upload", "uploader"));
    expect(edited).not.toBe(readme);
    expect(withFunctionTable(edited)).not.toBe(edited);
  });
});
