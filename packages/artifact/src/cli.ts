import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type BuildRuntimes, buildFunction, deployedRuntimes } from "./build.js";
import { type Arch, isArch } from "./lambda-config.js";
import { DEFAULT_NODE_RUNTIME, type NodeRuntime, oldestRuntime, parseNodeRuntime } from "./runtimes.js";
import { ArtifactError, verifyArtifact } from "./verify.js";

const USAGE = `usage:
  lambda-artifact build [--arch x64,arm64] [--runtime nodejs22.x,nodejs24.x]
      build the function package in the current folder (runtimes: default, what the project's stacks deploy)
  lambda-artifact verify <zip> [--handler index.handler] [--arch x64|arm64] [--runtime nodejs24.x] [--env-file env.json] [--no-probe]`;

const parseRuntimes = (value: string, source: string): NodeRuntime[] =>
  value
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => parseNodeRuntime(r, source));

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
    const { values } = parseArgs({
      args: rest,
      options: { arch: { type: "string" }, runtime: { type: "string" } },
    });
    // LAMBDA_ARCHS lets CI or the lab narrow the build; both architectures by default.
    const archs = parseArchs(values.arch ?? process.env.LAMBDA_ARCHS);
    const runtimeList = values.runtime ?? process.env.LAMBDA_RUNTIMES;
    const explicit = runtimeList
      ? parseRuntimes(runtimeList, values.runtime ? "--runtime" : "LAMBDA_RUNTIMES")
      : undefined;
    const runtimes: BuildRuntimes = explicit
      ? { target: oldestRuntime(explicit), probe: explicit }
      : deployedRuntimes(process.cwd());
    const started = performance.now();
    const results = await buildFunction(process.cwd(), archs, { runtimes });
    for (const r of results)
      console.log(
        `${r.id} ${r.arch}: ${r.zipPath} ${kb(r.zippedBytes)} zipped, ${kb(r.unzippedBytes)} unzipped, bundle ${kb(r.bundleBytes)}, sha256 ${r.sha256.slice(0, 12)}…, target ${runtimes.target}, verified${r.verify.probed ? ` (handler imported on ${r.verify.probedOn.join(", ")})` : " (static checks)"}`,
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
        runtime: { type: "string", default: DEFAULT_NODE_RUNTIME },
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
      runtimes: parseRuntimes(values.runtime, "--runtime"),
    });
    if (!report.ok) throw new ArtifactError(report);
    console.log(
      `${zip}: ok (${report.files} files, ${kb(report.zippedBytes)} zipped, ${report.nativeBinaries.length} native binaries for linux-${arch}${report.probed ? `, handler imported on ${report.probedOn.join(", ")}` : ""})`,
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
