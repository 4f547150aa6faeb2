import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { listStacks } from "@lambda-lab/infra/stack-config";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const readRepoFile = (path: string) => readFile(join(repoRoot, path), "utf8");

/** The project's stacks: the files in stacks/ (the program's own helper, so both list the same). */
export const stacks = (): string[] => listStacks(repoRoot);

export const listDir = async (path: string): Promise<string[]> => {
  try {
    return (await readdir(join(repoRoot, path))).sort();
  } catch {
    return [];
  }
};

/** The shell commands in the README's first fenced code block: the two commands a new user runs. */
export const readmeCommands = async (): Promise<string[]> => {
  const readme = await readRepoFile("README.md");
  const block = /```(?:sh|bash|shell)?\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  return block
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("#"));
};
