import type { ObjectStore } from "@lambda-lab/shared";
import { makeHandler } from "../../src/handler.js";
import type { ImageRefs, RunLedger } from "../../src/ports.js";
import type { CleanupReport } from "../../src/report.js";
import { createStateDir } from "../../src/state-dir.js";
import { createRecordingLog, fakeContext } from "./fakes.js";

export const TEST_ENV = {
  GRACE_PERIOD_HOURS: 24,
  MAX_DELETES: 100_000,
  DRY_RUN: false,
  TIME_SAFETY_MARGIN_MS: 60_000,
  TIME_ZONE: "Asia/Seoul",
  PROGRESS_EVERY_PAGES: 2,
};

export interface HarnessOptions {
  store: ObjectStore;
  refs: ImageRefs;
  ledger: RunLedger;
  stateRoot: string;
  now: () => Date;
  env?: Partial<typeof TEST_ENV>;
  pageSize?: number;
}

/** The real handler over the given ports, with a recording log. */
export const makeTestHandler = (options: HarnessOptions) => {
  const log = createRecordingLog();
  const handler = makeHandler(
    {
      store: options.store,
      refs: options.refs,
      ledger: options.ledger,
      state: createStateDir(options.stateRoot),
      log,
      now: options.now,
    },
    { ...TEST_ENV, ...options.env },
    options.pageSize !== undefined ? { pageSize: options.pageSize } : {},
  );
  return { handler, log };
};

/**
 * Invokes until the run finishes, each invocation cut after `callsPerInvocation` time checks; returns every
 * report (the last one is the finished run's).
 */
export const runToEnd = async (
  handler: ReturnType<typeof makeTestHandler>["handler"],
  event: unknown,
  callsPerInvocation = Number.POSITIVE_INFINITY,
  maxInvocations = 1000,
): Promise<CleanupReport[]> => {
  const reports: CleanupReport[] = [];
  for (let i = 0; i < maxInvocations; i++) {
    const report = await handler(event, fakeContext(callsPerInvocation, `request-${i}`));
    reports.push(report);
    if (report.status !== "running") return reports;
  }
  throw new Error(`run did not finish in ${maxInvocations} invocations`);
};
