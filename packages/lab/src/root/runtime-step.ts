import { artifactDir, functionPackageDir } from "../artifacts.js";
import { FUNCTION_IDS, type LabStack } from "../config.js";
import { type HotReload, type ReloadRecord, startHotReload } from "../hot-reload.js";
import { freePort, isPortFree } from "../http.js";
import type { RetryScheduler } from "../runtime/function-pool.js";
import { type LabFunction, type LambdaRuntime, startLambdaRuntime } from "../runtime/lambda-runtime.js";
import type { ArtifactPlan } from "./artifact-plan.js";
import type { CleanupStack } from "./cleanup-stack.js";
import type { ExtraFunction } from "./types.js";

/** The inspector's port: the one asked for (9229, Node's default), or a free one when it is busy. */
const inspectorPort = async (wanted: number, log: (line: string) => void): Promise<number> => {
  if (wanted === 0) return freePort();
  if (await isPortFree(wanted)) return wanted;
  const port = await freePort();
  log(`port ${wanted} (inspector) is busy: using ${port} instead`);
  return port;
};

export interface RuntimeStep {
  runtime: LambdaRuntime;
  hotReload: HotReload | undefined;
  inspector: { functionId: string; port: number } | undefined;
}

/**
 * The Lambda runtime over the function list (the account's unreserved pool is what the stack's reservations
 * leave), the debugger's port with `inspect`, and the hot reload with `watch`: sources saved while the lab
 * was stopped are rebuilt now, as if saved again.
 */
export const startRuntime = async (options: {
  repoRoot: string;
  stack: LabStack;
  plan: ArtifactPlan;
  functions: LabFunction[];
  extras: readonly ExtraFunction[];
  idleTimeoutMs: number;
  retryClock: RetryScheduler;
  inspect: { functionId: string; port?: number } | undefined;
  watch: boolean;
  cleanups: CleanupStack;
  log: (line: string) => void;
  emit: (type: string, data: unknown) => void;
}): Promise<RuntimeStep> => {
  const { repoRoot, plan, log } = options;
  const { accountLimit, totalReserved } = options.stack.config.concurrency;
  const inspector = options.inspect
    ? { functionId: options.inspect.functionId, port: await inspectorPort(options.inspect.port ?? 9229, log) }
    : undefined;
  const runtime = await startLambdaRuntime({
    functions: options.functions,
    unreservedConcurrency: Math.max(1, accountLimit - totalReserved),
    idleTimeoutMs: options.idleTimeoutMs,
    retryClock: options.retryClock,
    inspect: inspector,
  });
  options.cleanups.push("lambda runtime", () => runtime.stop());
  if (!options.watch) return { runtime, hotReload: undefined, inspector };

  const hotReload = startHotReload({
    repoRoot,
    functions: [
      ...FUNCTION_IDS.map((id) => ({
        id,
        packageDir: functionPackageDir(repoRoot, id),
        codeDir: artifactDir(repoRoot, id, plan.arch),
      })),
      ...options.extras.flatMap((e) => (e.packageDir ? [{ ...e, packageDir: e.packageDir }] : [])),
    ],
    arch: plan.arch,
    runtimes: plan.runtimes,
    runtime,
    onReload: (record: ReloadRecord) => options.emit("reload", record),
    log,
  });
  options.cleanups.push("hot reload", () => hotReload.stop());
  for (const id of plan.stale) void hotReload.reload(id).catch(() => undefined);
  return { runtime, hotReload, inspector };
};
