import { type BuildRuntimes, buildFunction } from "@lambda-lab/artifact";
import { BUILD_COMMAND, functionPackageDir } from "./artifacts.js";

/**
 * The first `pnpm dev` on a fresh clone: builds the missing artifacts for this machine's architecture only
 * (the lab runs nothing else), all functions at once, in this process: the same builder as
 * `lambda-artifact build`, without turbo's and a process per package's start-up. The other architecture is
 * built on demand, by `pnpm build` (deploys and CI run it). Other architectures' artifacts are kept.
 */
export const buildMissingArtifacts = async (options: {
  repoRoot: string;
  ids: readonly string[];
  arch: "x64" | "arm64";
  runtimes: BuildRuntimes;
  log: (line: string) => void;
}): Promise<void> => {
  const started = performance.now();
  const outcomes = await Promise.allSettled(
    options.ids.map((id) =>
      buildFunction(functionPackageDir(options.repoRoot, id), [options.arch], {
        runtimes: options.runtimes,
        keepOtherArchs: true,
      }),
    ),
  );
  const failed = outcomes.flatMap((o, i) =>
    o.status === "rejected" ? [`${options.ids[i]}: ${(o.reason as Error)?.message ?? o.reason}`] : [],
  );
  if (failed.length > 0)
    throw new Error(
      `the ${options.arch} build failed (run ${BUILD_COMMAND} to see it in full):\n${failed.join("\n")}`,
    );
  options.log(
    `built ${options.ids.join(", ")} for ${options.arch} in ${((performance.now() - started) / 1000).toFixed(1)} s (other architectures: \`pnpm build\`)`,
  );
};
