import type { InvocationRecord, InvocationStarted } from "../runtime/function-pool.js";
import type { FailureRecord } from "../services/on-failure-queue.js";
import type { ClockMode, FiredRetry, PendingRetry } from "./retry-clock.js";

/** The wait before an attempt: Lambda's delay, what the lab waited for it, and on which clock. */
export interface RetryWait {
  lambdaDelayMs: number;
  /** Planned at the clock's speed when the retry was scheduled. */
  wallDelayMs: number;
  scheduledAt: number;
  dueAt: number;
  /** Set once it is over: when, and whether it was skipped or run on a fast-forwarded clock. */
  firedAt?: number;
  skipped?: boolean;
  mode?: ClockMode;
  speed?: number;
}

export interface AttemptView {
  attempt: number;
  status: "waiting" | "running" | InvocationRecord["status"];
  wait?: RetryWait;
  startedAt?: number;
  endedAt?: number;
  durationMs?: number;
  cold?: boolean;
  errorType?: string;
  errorMessage?: string;
}

/** One async event, from its first attempt to where it ended: a success, or the on-failure destination. */
export interface RetryTimeline {
  requestId: string;
  functionId: string;
  source: string;
  /** The function's MaximumRetryAttempts: attempts = 1 + this, at most. */
  maxRetryAttempts: number;
  attempts: AttemptView[];
  outcome: "in-progress" | "succeeded" | "on-failure";
  destination?: {
    at: number;
    condition: string;
    approximateInvokeCount: number;
    /** The record exactly as Lambda sends it to the destination. */
    record: FailureRecord;
  };
  /** The Slack message the alerts function posted for the destination record. */
  alert?: { at: number; messageId: number };
  /** Set on a redrive: the failed request it sends again. */
  redriveOf?: string;
  /** Redrives of this one, newest last. */
  redrivenAs: string[];
}

const errorOf = (body: string): { errorType?: string; errorMessage?: string } => {
  try {
    const parsed = JSON.parse(body) as { errorType?: unknown; errorMessage?: unknown };
    return {
      ...(typeof parsed.errorType === "string" ? { errorType: parsed.errorType } : {}),
      ...(typeof parsed.errorMessage === "string" ? { errorMessage: parsed.errorMessage } : {}),
    };
  } catch {
    return { errorMessage: body };
  }
};

/**
 * The async-retries lesson's timeline: every asynchronous (Event) invocation's attempts with their
 * outcome, timestamps and the wait before each retry, then its on-failure record and the Slack alert.
 * Fed by the runtime's events, the retry clock, the on-failure queue and the Slack sink (wire.ts); keeps
 * the most recent `limit` events.
 */
export const createRetryTimelines = (options: {
  maxRetryAttempts: (functionId: string) => number;
  limit?: number;
  onChange?: (timeline: RetryTimeline) => void;
}) => {
  const limit = options.limit ?? 50;
  const timelines = new Map<string, RetryTimeline>();
  // A redrive's request id is known before its first attempt starts: linked when it opens.
  const redriveLinks = new Map<string, string>();
  const changed = (timeline: RetryTimeline) => options.onChange?.(timeline);
  const open = (requestId: string, functionId: string, source: string): RetryTimeline => {
    let timeline = timelines.get(requestId);
    if (!timeline) {
      timeline = {
        requestId,
        functionId,
        source,
        maxRetryAttempts: options.maxRetryAttempts(functionId),
        attempts: [],
        outcome: "in-progress",
        redrivenAs: [],
      };
      const original = redriveLinks.get(requestId);
      if (original) {
        timeline.redriveOf = original;
        redriveLinks.delete(requestId);
      }
      timelines.set(requestId, timeline);
      for (const old of [...timelines.keys()].slice(0, Math.max(0, timelines.size - limit)))
        timelines.delete(old);
    }
    return timeline;
  };
  const attemptOf = (timeline: RetryTimeline, attempt: number): AttemptView => {
    let view = timeline.attempts.find((a) => a.attempt === attempt);
    if (!view) {
      view = { attempt, status: "waiting" };
      timeline.attempts.push(view);
      timeline.attempts.sort((a, b) => a.attempt - b.attempt);
    }
    return view;
  };

  return {
    started(info: InvocationStarted & { at?: number }) {
      if (info.invocationType !== "Event") return;
      const timeline = open(info.requestId, info.functionId, info.source);
      Object.assign(attemptOf(timeline, info.attempt), {
        status: "running",
        startedAt: info.at ?? Date.now(),
        cold: info.cold,
      });
      changed(timeline);
    },
    finished(record: InvocationRecord) {
      if (record.invocationType !== "Event") return;
      const timeline = open(record.requestId, record.functionId, record.source);
      Object.assign(attemptOf(timeline, record.attempt), {
        status: record.status,
        startedAt: record.startedAt,
        endedAt: record.endedAt,
        durationMs: record.durationMs,
        cold: record.cold,
        ...(record.status === "success" ? {} : errorOf(record.body)),
      });
      if (record.status === "success") timeline.outcome = "succeeded";
      changed(timeline);
    },
    retryScheduled(retry: PendingRetry) {
      const timeline = timelines.get(retry.requestId);
      if (!timeline) return;
      attemptOf(timeline, retry.attempt).wait = {
        lambdaDelayMs: retry.lambdaDelayMs,
        wallDelayMs: retry.wallDelayMs,
        scheduledAt: retry.scheduledAt,
        dueAt: retry.dueAt,
      };
      changed(timeline);
    },
    retryFired(retry: FiredRetry) {
      const timeline = timelines.get(retry.requestId);
      const wait = timeline && attemptOf(timeline, retry.attempt).wait;
      if (!timeline || !wait) return;
      Object.assign(wait, {
        dueAt: retry.dueAt,
        firedAt: retry.firedAt,
        skipped: retry.skipped,
        mode: retry.mode,
        speed: retry.speed,
      });
      changed(timeline);
    },
    /** The clock was switched: the waits still running end at their new time. */
    rescheduled(pending: readonly PendingRetry[]) {
      for (const retry of pending) {
        const timeline = timelines.get(retry.requestId);
        const wait = timeline && attemptOf(timeline, retry.attempt).wait;
        if (!timeline || !wait) continue;
        wait.dueAt = retry.dueAt;
        changed(timeline);
      }
    },
    destination(record: FailureRecord, at = Date.now()) {
      const timeline = timelines.get(record.requestContext.requestId);
      if (!timeline) return;
      timeline.outcome = "on-failure";
      timeline.destination = {
        at,
        condition: record.requestContext.condition,
        approximateInvokeCount: record.requestContext.approximateInvokeCount,
        record,
      };
      changed(timeline);
    },
    /** A Slack message: the alert for every destination record whose request id it names. */
    slack(message: { id: number; receivedAt: string | number; payload: unknown }) {
      const text = JSON.stringify(message.payload);
      for (const timeline of timelines.values()) {
        if (!timeline.destination || timeline.alert || !text.includes(timeline.requestId)) continue;
        timeline.alert = { at: new Date(message.receivedAt).getTime(), messageId: message.id };
        changed(timeline);
      }
    },
    redriven(originalRequestId: string, newRequestId: string) {
      const original = timelines.get(originalRequestId);
      if (original) {
        original.redrivenAs.push(newRequestId);
        changed(original);
      }
      const fresh = timelines.get(newRequestId);
      if (fresh) {
        fresh.redriveOf = originalRequestId;
        changed(fresh);
      } else redriveLinks.set(newRequestId, originalRequestId);
    },
    get: (requestId: string) => timelines.get(requestId),
    /** Newest first. */
    list: (): RetryTimeline[] => [...timelines.values()].reverse(),
  };
};
export type RetryTimelines = ReturnType<typeof createRetryTimelines>;
