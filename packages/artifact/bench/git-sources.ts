/**
 * An esbuild plugin that bundles a function as it was at an earlier commit, so the cold-start bench can
 * measure the baseline beside the result in one run. The workspace's sources (`packages/**∕src/**`) are
 * read from git at that revision (`git show`, read-only); npm packages resolve from the working tree's
 * node_modules, falling back to pnpm's hoisted store for a dependency the package has dropped since.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { Plugin } from "esbuild";

const git = (repo: string, args: string[]) =>
  execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

/** The commit's full id, or undefined when it is not in this clone (a shallow CI checkout). */
export const resolveRevision = (repo: string, rev: string): string | undefined => {
  try {
    return git(repo, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]).trim();
  } catch {
    return undefined;
  }
};

const WORKSPACE_SOURCES = /^packages\/(?:functions\/[^/]+|[^/]+)\/src\//;

export const gitSourcesPlugin = (repo: string, rev: string): Plugin => {
  const files = new Set(git(repo, ["ls-tree", "-r", "--name-only", rev, "--", "packages"]).split("\n"));
  /** `@lambda-lab/shared` → `packages/shared`, from each workspace package.json at that revision. */
  const workspace = new Map<string, string>();
  /** Package folders that declare `"sideEffects": false`: esbuild may drop their unused re-exports. */
  const pure = new Set<string>();
  for (const file of files) {
    const match = /^(packages\/(?:functions\/)?[^/]+)\/package\.json$/.exec(file);
    if (!match?.[1]) continue;
    const manifest = JSON.parse(git(repo, ["show", `${rev}:${file}`])) as {
      name?: string;
      sideEffects?: unknown;
    };
    if (manifest.name) workspace.set(manifest.name, match[1]);
    if (manifest.sideEffects === false) pure.add(match[1]);
  }
  // Sources outside the file system have no package.json for esbuild to read the flag from: pass it on.
  const inGit = (path: string) => ({
    path: join(repo, path),
    namespace: "git",
    ...([...pure].some((dir) => path.startsWith(`${dir}/`)) ? { sideEffects: false } : {}),
  });
  const exportOf = (pkgDir: string, subpath: string): string | undefined => {
    const manifest = JSON.parse(git(repo, ["show", `${rev}:${pkgDir}/package.json`])) as {
      exports?: Record<string, string>;
    };
    const target = manifest.exports?.[subpath];
    return target ? join(pkgDir, target) : undefined;
  };
  /** `./env.js` from a TypeScript source means `./env.ts` (bundler resolution). */
  const sourceAt = (path: string): string | undefined =>
    [path, path.replace(/\.js$/, ".ts"), `${path}.ts`, join(path, "index.ts")].find((p) => files.has(p));
  const hoisted = join(repo, "node_modules", ".pnpm", "node_modules");
  const storedPackageDir = (name: string): string | undefined => {
    const store = join(repo, "node_modules", ".pnpm");
    if (!existsSync(store)) return undefined;
    const prefix = `${name.replace("/", "+")}@`;
    const entry = readdirSync(store)
      .filter((e) => e.startsWith(prefix))
      .sort()
      .at(-1);
    return entry ? join(store, entry, "node_modules") : undefined;
  };

  return {
    name: "git-sources",
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === "git-sources:fallback") return undefined;
        // The entry (a function's src/index.ts): at the revision.
        if (args.kind === "entry-point") {
          const found = sourceAt(relative(repo, resolve(args.path)));
          if (found) return inGit(found);
          return { errors: [{ text: `${args.path} is not in ${rev}` }] };
        }
        // A workspace package: its export, at the revision.
        const name = args.path.startsWith("@")
          ? args.path.split("/").slice(0, 2).join("/")
          : (args.path.split("/")[0] ?? "");
        const pkgDir = workspace.get(name);
        if (pkgDir) {
          const target = exportOf(pkgDir, `.${args.path.slice(name.length)}`);
          const found = target ? sourceAt(target) : undefined;
          if (found) return inGit(found);
        }
        // A relative import inside a source read from git stays in git.
        if (args.namespace === "git" && args.path.startsWith(".")) {
          const wanted = relative(repo, resolve(dirname(args.importer), args.path));
          const found = sourceAt(wanted);
          if (found) return inGit(found);
          return { errors: [{ text: `${args.path} (from ${args.importer}) is not in ${rev}` }] };
        }
        // An npm package imported from a git source: resolve as from the same folder of the working tree.
        if (args.namespace === "git") {
          const resolveDir = dirname(args.importer);
          const options = { kind: args.kind, resolveDir, pluginData: "git-sources:fallback" };
          const found = await build.resolve(args.path, options);
          if (found.errors.length === 0) return found;
          if (existsSync(hoisted)) {
            const fromHoisted = await build.resolve(args.path, { ...options, resolveDir: hoisted });
            if (fromHoisted.errors.length === 0) return fromHoisted;
          }
          // A dependency the revision had and the working tree dropped: still in pnpm's virtual store
          // (`.pnpm/<name>@<version>/node_modules/<name>`) until the store is pruned.
          const stored = storedPackageDir(name);
          if (stored) return build.resolve(args.path, { ...options, resolveDir: stored });
          return found;
        }
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: "git" }, (args) => {
        const path = relative(repo, args.path);
        if (!WORKSPACE_SOURCES.test(path)) return { errors: [{ text: `${path}: not a workspace source` }] };
        return {
          contents: git(repo, ["show", `${rev}:${path}`]),
          loader: path.endsWith(".json") ? "json" : "ts",
          resolveDir: dirname(args.path),
        };
      });
    },
  };
};
