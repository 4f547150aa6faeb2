import { cp, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Arch } from "./lambda-config.js";
import { locatePackage } from "./locate.js";

interface PackageManifest {
  name: string;
  version: string;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** The platform Lambda runs: Amazon Linux, glibc, on the stack's CPU. */
const matchesLambda = (manifest: PackageManifest, arch: Arch): boolean => {
  // npm's semantics: `!x` excludes x; a list with any plain entries allows only those.
  const allows = (list: string[] | undefined, value: string) => {
    if (!list || list.length === 0) return true;
    if (list.includes(`!${value}`)) return false;
    const allowed = list.filter((v) => !v.startsWith("!"));
    return allowed.length === 0 || allowed.includes(value);
  };
  return allows(manifest.os, "linux") && allows(manifest.cpu, arch) && allows(manifest.libc, "glibc");
};

export interface CopiedPackage {
  name: string;
  version: string;
  dir: string;
}

/**
 * Copies `modules` and everything they load at run time into `nodeModulesDir` as real files (Lambda zips
 * cannot hold pnpm's symlinks). Optional dependencies are kept only when they are built for Lambda's platform,
 * so a build on any machine ships the Linux glibc binary for `arch` — pnpm installs it thanks to
 * `supportedArchitectures` in pnpm-workspace.yaml.
 */
export const copyNativeModules = async (
  packageDir: string,
  modules: readonly string[],
  arch: Arch,
  nodeModulesDir: string,
): Promise<CopiedPackage[]> => {
  const copied = new Map<string, CopiedPackage>();
  const visit = async (name: string, fromDir: string, optional: boolean): Promise<void> => {
    const dir = await locatePackage(name, fromDir);
    if (!dir) {
      if (optional) return;
      throw new Error(`cannot find ${name} from ${fromDir}: is it a dependency of the function package?`);
    }
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as PackageManifest;
    if (optional && !matchesLambda(manifest, arch)) return;
    const seen = copied.get(name);
    if (seen) {
      if (seen.version !== manifest.version)
        throw new Error(
          `two versions of ${name} (${seen.version}, ${manifest.version}) would share node_modules/${name}`,
        );
      return;
    }
    copied.set(name, { name, version: manifest.version, dir });
    await cp(dir, join(nodeModulesDir, name), {
      recursive: true,
      dereference: true,
      // A package's own nested node_modules would be a second copy of what we flatten here.
      filter: (source) => !source.slice(dir.length).includes("/node_modules"),
    });
    for (const dep of Object.keys(manifest.dependencies ?? {})) await visit(dep, dir, false);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) await visit(dep, dir, true);
  };
  for (const name of modules) await visit(name, packageDir, false);
  return [...copied.values()].sort((a, b) => a.name.localeCompare(b.name));
};
