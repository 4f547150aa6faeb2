import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { buildFunction } from "./build.js";
import { type Arch, isArch } from "./lambda-config.js";
import { ArtifactError, verifyArtifact } from "./verify.js";

const USAGE = `usage:
  lambda-artifact build [--arch x64,arm64]          build the function package in the current folder
  lambda-artifact verify <zip> [--handler index.handler] [--arch x64|arm64] [--env-file env.json] [--no-probe]`;

const parseArchs = (value: string | undefined): Arch[] => {
  const archs = (value ?? "x64,arm64")
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  for (const arch of archs)
    if (!isArch(arch)) throw new Error(`unknown architecture ${JSON.stringify(arch)}: use x64 or arm64`);
  return archs as Arch[];
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const main = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  if (command === "build") {
    const { values } = parseArgs({ args: rest, options: { arch: { type: "string" } } });
    // LAMBDA_ARCHS lets CI or the lab narrow the build; both architectures by default.
    const archs = parseArchs(values.arch ?? process.env.LAMBDA_ARCHS);
    const started = performance.now();
    const results = await buildFunction(process.cwd(), archs);
    for (const r of results)
      console.log(
        `${r.id} ${r.arch}: ${r.zipPath} ${kb(r.zippedBytes)} zipped, ${kb(r.unzippedBytes)} unzipped, bundle ${kb(r.bundleBytes)}, sha256 ${r.sha256.slice(0, 12)}…, verified${r.verify.probed ? " (handler imported)" : " (static checks)"}`,
      );
    console.log(`built in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    return 0;
  }
  if (command === "verify") {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        handler: { type: "string", default: "index.handler" },
        arch: { type: "string", default: process.arch },
        "env-file": { type: "string" },
        "no-probe": { type: "boolean", default: false },
      },
    });
    const zip = positionals[0];
    if (!zip) throw new Error(USAGE);
    const [arch] = parseArchs(values.arch);
    const env = values["env-file"]
      ? (JSON.parse(await readFile(values["env-file"], "utf8")) as Record<string, string>)
      : {};
    const report = await verifyArtifact(zip, {
      handler: values.handler,
      arch: arch as Arch,
      probe: !values["no-probe"] && arch === process.arch,
      env,
    });
    if (!report.ok) throw new ArtifactError(report);
    console.log(
      `${zip}: ok (${report.files} files, ${kb(report.zippedBytes)} zipped, ${report.nativeBinaries.length} native binaries for linux-${arch})`,
    );
    return 0;
  }
  console.error(USAGE);
  return 2;
};

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
