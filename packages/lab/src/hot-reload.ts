import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { type BuildRuntimes, createIncrementalBuild, type IncrementalBuild } from "@lambda-lab/artifact";
import type { LambdaRuntime } from "./runtime/lambda-runtime.js";
import { type FolderWatcher, watchFolders } from "./watcher.js";

/** One reload, as the terminal, the page (`reload` events) and `GET /api/state` show it. */
export interface ReloadRecord {
  functionId: string;
  at: number;
  ok: boolean;
  /** Save (first change seen) to the new artifact in place, or to the failure. */
  durationMs: number;
  bundleMs?: number;
  /** Native modules, zip and the verifier (its import probe on the lab's runtime). */
  verifyMs?: number;
  changed: string[];
  /** esbuild's messages, or the verifier's problems: what the old artifact keeps serving through. */
  error?: string;
}

export interface HotReloadOptions {
  /** Changed files are shown relative to it. */
  repoRoot: string;
  functions: readonly { id: string; packageDir: string; codeDir: string }[];
  arch: "x64" | "arm64";
  /** Bundle target (the oldest runtime a stack deploys) and the probe (the lab's runtime). */
  runtimes: BuildRuntimes;
  runtime: LambdaRuntime;
  onReload(record: ReloadRecord): void;
  log(line: string): void;
}

export interface HotReload {
  reloads(): ReloadRecord[];
  /** Rebuilds a function now, as if one of its sources was saved. */
  reload(functionId: string, changed?: string[]): Promise<ReloadRecord>;
  stop(): Promise<void>;
}

const MAX_RECORDS = 200;

/**
 * The sources an artifact was built from, read from its own source map (`sources`, relative to the map),
 * outside node_modules. A file that put no code in the bundle (types, a barrel, an inlined constant) is not
 * listed there, which is why their folders, not just these files, are watched.
 */
export const sourcesOfArtifact = (codeDir: string): string[] => {
  try {
    const map = JSON.parse(readFileSync(join(codeDir, "index.mjs.map"), "utf8")) as { sources?: string[] };
    return (map.sources ?? []).filter((s) => !s.includes("node_modules/")).map((s) => resolve(codeDir, s));
  } catch {
    return [];
  }
};

/** A folder and its subfolders (a function's src/). */
const foldersUnder = (dir: string): string[] => {
  try {
    return [
      dir,
      ...readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .flatMap((e) => foldersUnder(join(dir, e.name))),
    ];
  } catch {
    return [];
  }
};

const SOURCE = /\.(ts|mts|cts|tsx|js|mjs|cjs|json)$/;

/**
 * What a function's reload listens to: the folders of the files that put code in its bundle (the source map
 * names them, at start and after each rebuild) and its own src/ tree; any source file saved there.
 */
interface Watched {
  folders: Set<string>;
}

const watchedFolders = (sources: readonly string[], packageDir: string): Watched => ({
  folders: new Set([...sources.map((f) => dirname(f)), ...foldersUnder(join(packageDir, "src"))]),
});

/**
 * `pnpm dev`'s hot reload: watches each function's bundled sources (its own and the workspace packages it
 * bundles), and on save rebuilds only the functions that bundle the saved file, for this machine's
 * architecture, through an esbuild incremental context with the deploy build's options. The artifact is
 * verified, swapped in, and the function's environments retired, so the next invocation is a cold start
 * on the new code while one in flight finishes on the old. A failed build keeps the old artifact serving.
 */
export const startHotReload = (options: HotReloadOptions): HotReload => {
  const records: ReloadRecord[] = [];
  const builds = new Map<string, Promise<IncrementalBuild>>();
  const busy = new Map<string, Promise<ReloadRecord>>();
  const again = new Map<string, Set<string>>();
  const watched = new Map<string, Watched>();
  let stopped = false;
  const buildOf = (id: string): Promise<IncrementalBuild> => {
    let build = builds.get(id);
    if (!build) {
      const fn = options.functions.find((f) => f.id === id);
      if (!fn) throw new Error(`no function ${id} to reload`);
      build = createIncrementalBuild(fn.packageDir, options.arch, options.runtimes);
      builds.set(id, build);
    }
    return build;
  };
  const refreshWatch = () => {
    const folders = new Set<string>();
    for (const w of watched.values()) for (const f of w.folders) folders.add(f);
    watcher.setFolders(folders);
  };
  const affects = (w: Watched, path: string) => w.folders.has(dirname(path)) && SOURCE.test(path);
  const onChange = (changed: string[]) => {
    for (const fn of options.functions) {
      const w = watched.get(fn.id);
      const mine = w ? changed.filter((c) => affects(w, c)) : [];
      if (mine.length > 0) void reload(fn.id, mine);
    }
  };
  for (const fn of options.functions)
    watched.set(fn.id, watchedFolders(sourcesOfArtifact(fn.codeDir), fn.packageDir));
  const watcher: FolderWatcher = watchFolders([], onChange);
  refreshWatch();

  const run = async (id: string, changed: string[]): Promise<ReloadRecord> => {
    const started = performance.now();
    const at = Date.now();
    const short = changed.map((c) => relative(options.repoRoot, c));
    let record: ReloadRecord;
    try {
      // The next environment boots while esbuild bundles (and the probe's Node starts): after the swap, the
      // cold start pays only its import. A failed rebuild leaves it for the old code's next cold start.
      options.runtime.prepareColdStart(id);
      const build = await buildOf(id);
      const result = await build.rebuild();
      // Retire before anything else can start a worker: the next invocation must meet the new code.
      void options.runtime.retire(id).then(() => result.discard());
      record = {
        functionId: id,
        at,
        ok: true,
        durationMs: performance.now() - started,
        bundleMs: result.timings.bundleMs,
        verifyMs: result.timings.assembleMs,
        changed: short,
      };
      watched.set(id, watchedFolders(build.inputs(), build.pkg.dir));
      refreshWatch();
      options.log(
        `reloaded ${id} in ${record.durationMs.toFixed(0)} ms (bundle ${result.timings.bundleMs.toFixed(0)} ms, zip + verify ${result.timings.assembleMs.toFixed(0)} ms): the next invocation is a cold start on the new code`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      record = {
        functionId: id,
        at,
        ok: false,
        durationMs: performance.now() - started,
        changed: short,
        error: message,
      };
      options.log(`reload of ${id} failed; the previous artifact keeps serving:\n${message}`);
    }
    records.push(record);
    if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
    options.onReload(record);
    return record;
  };

  const reload = (id: string, changed: string[] = []): Promise<ReloadRecord> => {
    if (stopped) return Promise.reject(new Error("the hot reload is stopped"));
    const current = busy.get(id);
    if (current) {
      // Saved again during a rebuild: one more rebuild once this one ends, with every file saved meanwhile.
      const queued = again.get(id) ?? new Set<string>();
      for (const c of changed) queued.add(c);
      again.set(id, queued);
      return current;
    }
    const next = run(id, changed).finally(() => {
      busy.delete(id);
      const queued = again.get(id);
      again.delete(id);
      if (queued && !stopped) void reload(id, [...queued]);
    });
    busy.set(id, next);
    return next;
  };

  // Contexts start on a function's first save (that one pays a full bundle): an esbuild context holds the
  // parsed sources of its ~1,000 input files, about 100 MB for a function that is never edited.
  options.log(
    `hot reload: watching ${new Set([...watched.values()].flatMap((w) => [...w.folders])).size} source folders of ${options.functions.map((f) => f.id).join(", ")}`,
  );

  return {
    reloads: () => [...records],
    reload,
    stop: async () => {
      stopped = true;
      watcher.close();
      await Promise.allSettled(busy.values());
      await Promise.allSettled([...builds.values()].map(async (b) => (await b).dispose()));
    },
  };
};
