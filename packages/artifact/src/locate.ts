import { realpath } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Finds a package's real folder (pnpm keeps it behind a symlink) as seen from `fromDir`. */
export const locatePackage = async (name: string, fromDir: string): Promise<string | undefined> => {
  const require = createRequire(join(fromDir, "package.json"));
  try {
    return await realpath(dirname(require.resolve(`${name}/package.json`)));
  } catch {
    // Some packages do not export ./package.json: walk up the node_modules folders instead.
    for (let dir = fromDir; ; dir = dirname(dir)) {
      try {
        return await realpath(join(dir, "node_modules", name));
      } catch {
        if (dirname(dir) === dir) return undefined;
      }
    }
  }
};

/** `"@scope/pkg/some/folder"` or `"pkg/folder"` → that folder inside the installed package. */
export const locatePackageDir = async (spec: string, fromDir: string): Promise<string> => {
  const parts = spec.split("/");
  const nameLength = spec.startsWith("@") ? 2 : 1;
  const name = parts.slice(0, nameLength).join("/");
  const root = await locatePackage(name, fromDir);
  if (!root)
    throw new Error(
      `asset ${spec}: cannot find package ${name} from ${fromDir} (add it to the function's dependencies)`,
    );
  return join(root, ...parts.slice(nameLength));
};
