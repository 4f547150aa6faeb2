import { z } from "zod";

/** What the worker's bootstrap measured of its init (the INIT_TIMING_HEADER), in milliseconds. */
const WorkerInitTiming = z.object({
  importMs: z.number().nonnegative(),
  loadMs: z.number().nonnegative().optional(),
  evaluateMs: z.number().nonnegative().optional(),
  /** A pre-booted environment's wait before its import (see EnvironmentLaunch.parked): not init. */
  parkedMs: z.number().nonnegative().optional(),
});
export type WorkerInitTiming = z.infer<typeof WorkerInitTiming>;

/**
 * A cold start's init duration in parts that add up to it. Lambda reports only the whole (Init Duration);
 * the parts are the lab's, measured without a line of lab code in the bundle:
 *  - `runtimeMs`: the runtime's own start — the process, Node.js booting, the runtime bootstrap, and its
 *    first request for work (the init duration minus the import);
 *  - `importMs`: the bootstrap's `import()` of the bundle, split when the bundle opens with the build's banner
 *    into `loadMs` (resolve, read, compile and link the module graph, up to its first statement) and
 *    `evaluateMs` (the top-level code of every bundled module and of the composition root — reading env,
 *    constructing clients, a top-level await — until the handler export exists). The composition root's own
 *    work and its dependencies' top-level code are one evaluation of one file: telling them apart would take
 *    code in the bundle, so the lab does not.
 */
export interface InitSplit {
  runtimeMs: number;
  importMs: number;
  loadMs?: number;
  evaluateMs?: number;
}

/** The worker's header, or undefined when it is absent or not what the bootstrap writes. */
export const parseInitTiming = (header: string | string[] | undefined): WorkerInitTiming | undefined => {
  if (typeof header !== "string") return undefined;
  try {
    const parsed = WorkerInitTiming.safeParse(JSON.parse(header));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The parts of `initDurationMs` (the lab's spawn-to-first-next figure). None when the worker measured
 * nothing, or when its import outlasts the whole — a debugger pause the whole leaves out, which the worker's
 * clock cannot.
 */
export const splitInit = (
  initDurationMs: number,
  timing: WorkerInitTiming | undefined,
): InitSplit | undefined => {
  if (!timing || timing.importMs > initDurationMs) return undefined;
  const split: InitSplit = { runtimeMs: initDurationMs - timing.importMs, importMs: timing.importMs };
  if (timing.loadMs !== undefined && timing.evaluateMs !== undefined) {
    split.loadMs = timing.loadMs;
    split.evaluateMs = timing.evaluateMs;
  }
  return split;
};
