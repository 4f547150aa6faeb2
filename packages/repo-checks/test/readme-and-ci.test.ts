import { describe, expect, it } from "vitest";
import { readmeCommands, readRepoFile } from "./repo.js";

describe("README and .ci/run", () => {
  it("starts with two commands: set up and run the lab, then run the tests", async () => {
    const commands = await readmeCommands();
    expect(commands).toEqual(["pnpm install && pnpm dev", "pnpm install && pnpm turbo test"]);
  });

  it("has .ci/run install the pinned pnpm and run the README's test command", async () => {
    const [, testCommand] = await readmeCommands();
    const ci = await readRepoFile(".ci/run");
    const pkg = JSON.parse(await readRepoFile("package.json")) as { packageManager: string };
    expect(pkg.packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
    expect(ci).toMatch(/npm install -g "pnpm@\$\{pnpm_version\}"/);
    expect(ci).toContain("pnpm install --frozen-lockfile");
    const lastCommand = ci.trim().split("\n").at(-1);
    expect(lastCommand).toBe(testCommand?.replace(/^pnpm install && /, ""));
  });
});
