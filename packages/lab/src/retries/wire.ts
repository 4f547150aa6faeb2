import type { EventEmitter } from "node:events";
import type { RuntimeEvents } from "../runtime/lambda-runtime.js";
import type { OnFailureQueue } from "../services/on-failure-queue.js";
import type { SlackMessage } from "../services/slack-sink.js";
import type { RetryClock } from "./retry-clock.js";
import { createRetryTimelines, type RetryTimeline } from "./timeline.js";

export interface RetriesWiring {
  runtimeEvents: Pick<EventEmitter<RuntimeEvents>, "on">;
  clock: RetryClock;
  onFailure: Pick<OnFailureQueue, "onRecord" | "settleRedrive" | "redriveOf">;
  slack: {
    onMessage(listener: (message: SlackMessage) => void): void;
  };
  /** The function's MaximumRetryAttempts, as its pool runs it. */
  maxRetryAttempts: (functionId: string) => number;
  /** The lab's event stream: `retries` (a timeline changed) and `retry-clock` (the clock was switched). */
  emit: (type: "retries" | "retry-clock", data: unknown) => void;
}

/**
 * Feeds the retries timeline from where each step happens: the runtime (attempts), the retry clock
 * (waits), the on-failure queue (destination records) and the Slack sink (alerts); settles redrives as
 * their invocation succeeds or lands in the queue again.
 */
export const wireRetries = (deps: RetriesWiring) => {
  const timelines = createRetryTimelines({
    maxRetryAttempts: deps.maxRetryAttempts,
    onChange: (timeline: RetryTimeline) => deps.emit("retries", timeline),
  });
  deps.runtimeEvents.on("start", (info) => timelines.started(info));
  deps.runtimeEvents.on("invocation", (record) => {
    if (record.invocationType === "Event" && record.status === "success")
      void deps.onFailure.settleRedrive(record.requestId, "succeeded");
    timelines.finished(record);
  });
  deps.clock.events.on("scheduled", (retry) => timelines.retryScheduled(retry));
  deps.clock.events.on("fired", (retry) => timelines.retryFired(retry));
  deps.clock.events.on("mode", (state) => {
    timelines.rescheduled(state.pending);
    deps.emit("retry-clock", state);
  });
  deps.onFailure.onRecord((record) => {
    void deps.onFailure.settleRedrive(record.requestContext.requestId, "failed");
    timelines.destination(record);
  });
  deps.slack.onMessage((message) => timelines.slack(message));
  return timelines;
};
