import { copyFile, mkdir, readdir, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What a fresh clone does not have: build outputs, caches, lab data, git's own folder. */
const SKIPPED = new Set([".git", "dist", ".lab", ".turbo", "test-results", "coverage", ".bench"]);

/**
 * A copy of the repository as `git clone && pnpm install` leaves it: every tracked-looking file copied,
 * no `dist/` anywhere, and each `node_modules` a symlink to this checkout's (what `pnpm install` would
 * produce, without installing again). Writes in the copy never reach this checkout: sources and
 * artifacts are real files there; only node_modules is shared, and nothing the lab runs writes to it.
 */
export const freshClone = async (repoRoot: string): Promise<{ root: string; remove(): Promise<void> }> => {
  const root = join(tmpdir(), `lab-fresh-clone-${process.pid}-${Date.now()}`);
  const copy = async (from: string, to: string): Promise<void> => {
    await mkdir(to, { recursive: true });
    for (const entry of await readdir(from, { withFileTypes: true })) {
      if (
        SKIPPED.has(entry.name) ||
        entry.name.startsWith(".dist-build-") ||
        entry.name.startsWith(".build-")
      )
        continue;
      const source = join(from, entry.name);
      const target = join(to, entry.name);
      if (entry.name === "node_modules") await symlink(source, target);
      else if (entry.isDirectory()) await copy(source, target);
      else if (entry.isFile()) await copyFile(source, target);
    }
  };
  await copy(repoRoot, root);
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
};
