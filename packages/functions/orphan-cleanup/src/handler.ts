import type { ObjectStore } from "@lambda-lab/shared";
import { type CleanupDeps, runCleanup } from "./cleanup.js";
import type { OrphanCleanupEnv } from "./env.js";
import { parseCleanupEvent } from "./event.js";
import type { CleanupLog, ImageRefs, RunLedger } from "./ports.js";
import type { CleanupReport } from "./report.js";
import type { StateDir } from "./state-dir.js";

/** The part of Lambda's context the function uses; the local lab may invoke without one. */
export interface InvocationContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

export interface HandlerDeps {
  store: ObjectStore;
  refs: ImageRefs;
  ledger: RunLedger;
  state: StateDir;
  log: CleanupLog & { addContext?: (context: never) => void };
  now?: () => Date;
}

type HandlerEnv = Pick<
  OrphanCleanupEnv,
  | "GRACE_PERIOD_HOURS"
  | "MAX_DELETES"
  | "DRY_RUN"
  | "TIME_SAFETY_MARGIN_MS"
  | "TIME_ZONE"
  | "PROGRESS_EVERY_PAGES"
>;

/**
 * Parses the schedule payload, runs one invocation of the cleanup and returns the run's report (status
 * "running" when it paused on time and the next invocation continues). A failed run throws after its
 * report is written, so Lambda counts the error.
 */
export const makeHandler =
  (deps: HandlerDeps, env: HandlerEnv, options: { pageSize?: number } = {}) =>
  async (event: unknown, context: InvocationContext = {}): Promise<CleanupReport> => {
    const { scheduler, ...request } = parseCleanupEvent(event, {
      dryRun: env.DRY_RUN,
      maxDeletes: env.MAX_DELETES,
    });
    deps.log.addContext?.(context as never);
    // A late retry of a firing has the same scheduledTime and a higher attempt: the logs tell them apart.
    if (scheduler) deps.log.info("scheduled invocation", { scheduler });
    const cleanupDeps: CleanupDeps = {
      store: deps.store,
      refs: deps.refs,
      ledger: deps.ledger,
      state: deps.state,
      log: deps.log,
      now: deps.now ?? (() => new Date()),
      // Invoked without a Lambda context (a local script), there is no deadline to respect.
      remainingMs: () => context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY,
      invocationId: context.awsRequestId ?? `local-${process.pid}`,
    };
    return runCleanup(request, cleanupDeps, {
      gracePeriodHours: env.GRACE_PERIOD_HOURS,
      safetyMarginMs: env.TIME_SAFETY_MARGIN_MS,
      timeZone: env.TIME_ZONE,
      progressEveryPages: env.PROGRESS_EVERY_PAGES,
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    });
  };
