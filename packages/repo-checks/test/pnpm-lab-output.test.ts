import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./repo.js";

/**
 * `pnpm lab … | jq` must get the lab's output only. pnpm 10 prints `> lambda-lab@ lab …` banner lines to
 * stdout before any script it runs (only `--reporter=silent` stops them, and that setting in .npmrc would hide
 * `pnpm install`'s errors too), but runs a workspace binary without a banner when no script has the name:
 * so `lab` is the @lambda-lab/lab bin linked into the root, not a root script.
 */
describe("pnpm lab", () => {
  it("writes nothing of pnpm's own to stdout, and keeps the command's exit code", () => {
    const help = spawnSync("pnpm", ["lab", "--help"], { cwd: repoRoot, encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage:\n/);

    const unknown = spawnSync("pnpm", ["lab", "no-such-command"], { cwd: repoRoot, encoding: "utf8" });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stdout).not.toMatch(/^> /m);
  }, 60_000);
});
