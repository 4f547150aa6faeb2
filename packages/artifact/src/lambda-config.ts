import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as z from "zod";

/** Lambda's CPU names and the ones Node and npm use. */
export const ARCHITECTURES = { x64: "x86_64", arm64: "arm64" } as const;
export type Arch = keyof typeof ARCHITECTURES;
export const isArch = (value: string): value is Arch => Object.hasOwn(ARCHITECTURES, value);

/** The handler setting, `<module>.<export>`: Lambda loads `<module>.mjs|.js|.cjs` from the zip root. */
export const parseHandlerSetting = (handler: string): { module: string; exportName: string } => {
  const match = /^([\w./-]+)\.([A-Za-z_$][\w$]*)$/.exec(handler);
  if (!match)
    throw new Error(
      `handler setting ${JSON.stringify(handler)} is not of the form <file>.<export>, e.g. index.handler`,
    );
  return { module: match[1] as string, exportName: match[2] as string };
};

/**
 * The `lambda` field of a function's package.json: everything the builder needs to know about it.
 * `assets` copies folders of other packages into the artifact (e.g. SQL migrations), keyed by the folder
 * name inside the zip: `{ "migrations": "@lambda-lab/db/migrations" }`.
 */
export const LambdaPackageConfig = z
  .object({
    entry: z.string().default("src/index.ts"),
    handler: z.string().default("index.handler"),
    nativeModules: z.array(z.string().min(1)).default([]),
    assets: z
      .record(z.string().regex(/^[\w.-]+$/, "an asset folder is one plain name"), z.string().min(1))
      .default({}),
    /** An environment that passes the function's env schema: the verifier imports the bundle with it. */
    verifyEnv: z.record(z.string(), z.string()).default({}),
  })
  .strict();
export type LambdaPackageConfig = z.infer<typeof LambdaPackageConfig>;

export interface FunctionPackage {
  dir: string;
  name: string;
  /** The function id: the package name without its scope (`@lambda-lab/transform` → `transform`). */
  id: string;
  lambda: LambdaPackageConfig;
}

export const readFunctionPackage = async (dir: string): Promise<FunctionPackage> => {
  const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
    name?: string;
    lambda?: unknown;
  };
  if (!manifest.name) throw new Error(`${dir}/package.json has no name`);
  if (manifest.lambda === undefined) throw new Error(`${manifest.name}: package.json has no "lambda" field`);
  const parsed = LambdaPackageConfig.safeParse(manifest.lambda);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `lambda.${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`${manifest.name}: bad "lambda" field in package.json: ${problems}`);
  }
  parseHandlerSetting(parsed.data.handler);
  return { dir, name: manifest.name, id: manifest.name.replace(/^@[^/]+\//, ""), lambda: parsed.data };
};
