import { join } from "node:path";
import type { LambdaRuntime } from "../runtime/lambda-runtime.js";
import { retriesRoute } from "../server/retries-route.js";
import type { OnFailureQueue } from "../services/on-failure-queue.js";
import { createFaultSwitch, retryDemoFunction } from "./fault-switch.js";
import { type ClockMode, createRetryClock } from "./retry-clock.js";
import { type RetriesWiring, wireRetries } from "./wire.js";

/** `LabOptions.retryClock`: real Lambda waits (the default), or fast-forwarded for tests and impatience. */
export interface RetryClockOption {
  mode: ClockMode;
  speed?: number;
}

/**
 * The async-retries lesson in the lab, in two steps for the composition root. Before the runtime starts:
 * the retry clock (give it to the runtime as `retryClock`) and the lab's failing function (add it to the
 * functions). Once the on-failure queue and the Slack sink exist: `route(…)` wires the timeline and
 * returns the API route for the server's `routes`.
 */
export const prepareRetries = async (options: { dataDir: string; clock?: RetryClockOption | undefined }) => {
  const clock = createRetryClock(options.clock ?? { mode: "real" });
  const faults = await createFaultSwitch(join(options.dataDir, "retry-demo", "fault.json"));
  return {
    clock,
    faults,
    demoFunction: retryDemoFunction(faults.file),
    route(deps: {
      runtime: Pick<LambdaRuntime, "events" | "functionIds" | "invokeAsync">;
      onFailure: OnFailureQueue;
      slack: RetriesWiring["slack"];
      maxRetryAttempts: (functionId: string) => number;
      functionArn: (functionId: string) => string;
      emit: (type: string, data: unknown) => void;
    }) {
      const timelines = wireRetries({
        runtimeEvents: deps.runtime.events,
        clock,
        onFailure: deps.onFailure,
        slack: deps.slack,
        maxRetryAttempts: deps.maxRetryAttempts,
        emit: deps.emit,
      });
      return retriesRoute({
        clock,
        timelines,
        faults,
        onFailure: deps.onFailure,
        runtime: deps.runtime,
        functionArn: deps.functionArn,
      });
    },
  };
};
