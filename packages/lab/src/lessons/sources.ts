import { existsSync, realpathSync, statSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, posix, relative, sep } from "node:path";

/**
 * The files the page may show a learner: each function's `src/` and README, and the lab's README. Served
 * read-only and nothing else — a path is accepted only if, after normalising and resolving symlinks, it is
 * one of these; `..`, absolute paths, encoded slashes and symlinks out of the tree are refused.
 */
const ALLOWED = [
  /^packages\/functions\/[a-z0-9-]+\/src\/[A-Za-z0-9._/-]+\.(ts|mts|mjs|js|json)$/,
  /^packages\/functions\/[a-z0-9-]+\/README\.md$/,
  /^packages\/lab\/README\.md$/,
];

export class SourceRefused extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** The absolute file for a repository-relative path, or a SourceRefused saying why not. */
export const resolveSource = (repoRoot: string, requested: string): string => {
  if (requested.includes("\\") || requested.includes("\0"))
    throw new SourceRefused(400, "a source path uses forward slashes and no NUL");
  const normal = posix.normalize(requested);
  if (normal !== requested || normal.startsWith("/") || normal.split("/").includes(".."))
    throw new SourceRefused(403, `${JSON.stringify(requested)} is not a plain path inside the repository`);
  if (!ALLOWED.some((re) => re.test(normal)))
    throw new SourceRefused(
      403,
      `${normal} is not served: only packages/functions/<id>/src/**, packages/functions/<id>/README.md and packages/lab/README.md`,
    );
  const file = join(repoRoot, ...normal.split("/"));
  if (!existsSync(file) || !statSync(file).isFile()) throw new SourceRefused(404, `no file ${normal}`);
  // A symlink inside an allowed folder must not lead anywhere else: where it resolves must be allowed too.
  const real = realpathSync(file);
  const root = realpathSync(repoRoot);
  const resolved = relative(root, real).split(sep).join("/");
  if (!real.startsWith(root + sep) || !ALLOWED.some((re) => re.test(resolved)))
    throw new SourceRefused(403, `${normal} leads outside the files the lab serves`);
  return real;
};

/** A function's source files and README as repository-relative paths (only what resolveSource serves). */
export const sourcesOf = async (
  repoRoot: string,
  functionId: string,
): Promise<{ readme?: string; files: string[] }> => {
  const base = `packages/functions/${functionId}`;
  const dir = join(repoRoot, base, "src");
  if (!existsSync(dir)) return { files: [] };
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => posix.join(base, "src", relative(dir, join(e.parentPath, e.name)).split(sep).join("/")))
    .filter((p) => ALLOWED[0]!.test(p))
    .sort();
  return { ...(existsSync(join(repoRoot, base, "README.md")) ? { readme: `${base}/README.md` } : {}), files };
};
