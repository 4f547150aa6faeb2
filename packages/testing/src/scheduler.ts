/**
 * What a schedule delivers: EventBridge Scheduler invokes its target with the configured input, context
 * attributes filled ("Adding context attributes in EventBridge Scheduler",
 * docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html); an EventBridge
 * rule with a schedule expression (or Scheduler's templated EventBridge target) wraps it in a
 * "Scheduled Event" envelope instead.
 */
import { fillSchedulerInput, type SchedulerContext } from "@lambda-lab/shared";
import type { ScheduledEvent } from "aws-lambda";
import { EXAMPLE_ACCOUNT_ID, EXAMPLE_REGION } from "./aws.js";

/** Scheduler's values for one firing; `scheduledTime` without milliseconds, as Scheduler writes it. */
export const makeSchedulerContext = (overrides: Partial<SchedulerContext> = {}): SchedulerContext => ({
  scheduleArn: `arn:aws:scheduler:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT_ID}:schedule/default/lab-schedule`,
  scheduledTime: "2026-12-01T03:30:00Z",
  executionId: "d32c5kddcf5bb8c3",
  attemptNumber: "1",
  ...overrides,
});

/**
 * The payload the target receives for a schedule configured with `input` (the text the program sets as the
 * target's `input`): the keywords filled as Scheduler fills them, then parsed as the function's runtime does.
 */
export const makeScheduledInput = (input: string, context: Partial<SchedulerContext> = {}): unknown =>
  JSON.parse(fillSchedulerInput(input, makeSchedulerContext(context)));

export interface ScheduledEventInput {
  /** When the schedule fired; `time` has no milliseconds. */
  time?: Date | string;
  /** `aws.events` for a rule, `aws.scheduler` for Scheduler's templated target. */
  source?: "aws.events" | "aws.scheduler";
  region?: string;
  resources?: string[];
  detail?: Record<string, unknown>;
}

/** The "Scheduled Event" envelope of a rule with a `rate()`/`cron()` expression; `detail` is `{}` there. */
export const makeScheduledEvent = (input: ScheduledEventInput = {}): ScheduledEvent => {
  const region = input.region ?? EXAMPLE_REGION;
  const source = input.source ?? "aws.events";
  return {
    version: "0",
    id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    source,
    account: EXAMPLE_ACCOUNT_ID,
    time: new Date(input.time ?? "2026-12-01T00:05:00Z").toISOString().replace(/\.\d{3}Z$/, "Z"),
    region,
    resources: input.resources ?? [
      source === "aws.scheduler"
        ? `arn:aws:scheduler:${region}:${EXAMPLE_ACCOUNT_ID}:schedule/default/lab-schedule`
        : `arn:aws:events:${region}:${EXAMPLE_ACCOUNT_ID}:rule/lab-schedule`,
    ],
    detail: input.detail ?? {},
  };
};
