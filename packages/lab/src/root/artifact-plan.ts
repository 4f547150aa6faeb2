import { deployedRuntimes, type NodeRuntime } from "@lambda-lab/artifact";
import { artifactDir, BUILD_COMMAND, isBuilt, staleArtifacts } from "../artifacts.js";
import { FUNCTION_IDS, type LabStack, machineArch } from "../config.js";
import { buildMissingArtifacts } from "../first-build.js";

export interface ArtifactPlan {
  arch: "x64" | "arm64";
  /** The runtime every environment runs on: the stack's. */
  labRuntime: NodeRuntime;
  /** esbuild's target (the oldest runtime a stack deploys) and the runtimes each build is verified on. */
  runtimes: { target: NodeRuntime; probe: NodeRuntime[] };
  /** Resolves once the missing artifacts are built; awaited before the first worker needs one. */
  building: Promise<void>;
  /** Functions whose sources are newer than their artifact. */
  stale: string[];
}

/**
 * The same artifacts that deploy, built for this machine (the stack may deploy the other architecture):
 * the missing ones build while S3 and PostgreSQL start; `build: "never"` fails naming the command instead.
 */
export const planArtifacts = (options: {
  repoRoot: string;
  stack: LabStack;
  build: "auto" | "never";
  watch: boolean;
  log: (line: string) => void;
}): ArtifactPlan => {
  const { repoRoot, log } = options;
  const arch = machineArch();
  const deployed = deployedRuntimes(repoRoot);
  const labRuntime = options.stack.config.lambdaRuntime;
  const missing = FUNCTION_IDS.filter((id) => !isBuilt(artifactDir(repoRoot, id, arch)));
  if (missing.length > 0 && options.build === "never")
    throw new Error(`no ${arch} artifact for ${missing.join(", ")}: run ${BUILD_COMMAND}`);
  if (missing.length > 0) log(`building ${missing.join(", ")} for ${arch} while the services start…`);
  const building =
    missing.length > 0
      ? buildMissingArtifacts({
          repoRoot,
          ids: missing,
          arch,
          runtimes: { target: deployed.target, probe: [...new Set([...deployed.probe, labRuntime])] },
          log,
        })
      : Promise.resolve();
  // Awaited later; a failure surfaces there, not as an unhandled rejection now.
  building.catch(() => undefined);
  const stale = staleArtifacts(repoRoot, FUNCTION_IDS, arch);
  if (stale.length > 0 && !options.watch)
    log(
      `warning: ${stale.join(", ")}: sources are newer than the artifact; the lab runs the artifact (${BUILD_COMMAND})`,
    );
  return { arch, labRuntime, runtimes: { target: deployed.target, probe: [labRuntime] }, building, stale };
};
