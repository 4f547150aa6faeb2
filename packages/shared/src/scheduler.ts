import * as z from "zod/mini";

/**
 * EventBridge Scheduler's context attributes: keywords in a schedule's target input that Scheduler replaces
 * with their values each time it invokes the target ("Adding context attributes in EventBridge Scheduler",
 * docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html).
 */
export const SCHEDULER_PLACEHOLDERS = {
  scheduleArn: "<aws.scheduler.schedule-arn>",
  /** The time the schedule was due, e.g. 2022-03-22T18:59:43Z: the same on every retry of that firing. */
  scheduledTime: "<aws.scheduler.scheduled-time>",
  /** A unique ID per attempted invocation, e.g. d32c5kddcf5bb8c3. */
  executionId: "<aws.scheduler.execution-id>",
  /** The attempt counter for this firing, e.g. 1. */
  attemptNumber: "<aws.scheduler.attempt-number>",
} as const;

/** What Scheduler fills in: every value arrives as a string, since each keyword sits inside a JSON string. */
export const SchedulerContext = z.strictObject({
  scheduleArn: z.string().check(z.regex(/^arn:aws[a-z-]*:scheduler:/, "must be a schedule ARN")),
  scheduledTime: z.iso.datetime(),
  executionId: z.string().check(z.minLength(1)),
  attemptNumber: z.string().check(z.regex(/^[1-9]\d*$/, "must be a positive counter")),
});
export type SchedulerContext = z.infer<typeof SchedulerContext>;

/** The `scheduler` field of a schedule input, before Scheduler fills it. */
export const schedulerContextInput = (): Record<keyof SchedulerContext, string> => ({
  ...SCHEDULER_PLACEHOLDERS,
});

/**
 * Fills the keywords as Scheduler does when it invokes the target: each occurrence in the input text is
 * replaced by its value (the local lab delivers exactly this).
 */
export const fillSchedulerInput = (input: string, values: SchedulerContext): string => {
  let filled = input;
  for (const [name, keyword] of Object.entries(SCHEDULER_PLACEHOLDERS)) {
    filled = filled.replaceAll(keyword, values[name as keyof SchedulerContext]);
  }
  return filled;
};
