import { IN_ENGLISH, SchedulerContext, schedulerContextInput } from "@lambda-lab/shared";
import * as z from "zod/mini";

/**
 * What a schedule may ask for: its `input` JSON as-is (EventBridge Scheduler), or the `detail` of an
 * EventBridge "Scheduled Event". Unknown fields are rejected: a typo such as `dryrun` must not silently
 * turn a rehearsal into a real run.
 */
export const CleanupOptions = z.strictObject({
  dryRun: z.optional(z.boolean()),
  maxDeletes: z.optional(z.int().check(z.positive())),
  restart: z.optional(z.boolean()),
  /** Filled by EventBridge Scheduler (see `scheduleInput`): which firing and attempt this is, for the logs. */
  scheduler: z.optional(SchedulerContext),
});

/**
 * The target input the stack's schedule is configured with (the Pulumi program uses this, the local lab
 * fills it as Scheduler does). No options: the environment's DRY_RUN and MAX_DELETES apply.
 */
export const scheduleInput = (): string => JSON.stringify({ scheduler: schedulerContextInput() });
export type CleanupOptions = z.infer<typeof CleanupOptions>;

/** The envelope EventBridge rules deliver for `rate()`/`cron()` schedules; `detail` is `{}` there. */
export const ScheduledEvent = z.looseObject({
  "detail-type": z.literal("Scheduled Event"),
  source: z.string(),
  detail: z.optional(CleanupOptions),
});

/** The schedule payload is not one this function understands: rejected before anything runs. */
export class CleanupEventError extends Error {
  override name = "CleanupEventError";
}

export interface EventLimits {
  /** DRY_RUN from the environment: when true, no event can make a run real. */
  dryRun: boolean;
  /** MAX_DELETES from the environment: an event may lower it, never raise it. */
  maxDeletes: number;
}

const ACCEPTED =
  'expected {} or { "dryRun"?: boolean, "maxDeletes"?: positive integer, "restart"?: boolean, "scheduler"?: ' +
  "EventBridge Scheduler's context }, " +
  'or an EventBridge "Scheduled Event" whose detail has that shape';

const optionsOf = (event: unknown): CleanupOptions => {
  const isEnvelope = typeof event === "object" && event !== null && "detail-type" in event;
  const parsed = isEnvelope
    ? ScheduledEvent.safeParse(event, IN_ENGLISH)
    : CleanupOptions.safeParse(event, IN_ENGLISH);
  if (!parsed.success)
    throw new CleanupEventError(
      `orphan-cleanup: unrecognised event (${ACCEPTED}): ${z.prettifyError(parsed.error).replaceAll("\n", " ")}`,
    );
  return "detail-type" in parsed.data ? (parsed.data.detail ?? {}) : parsed.data;
};

/** Validates the event and applies it within the environment's bounds. */
export const parseCleanupEvent = (event: unknown, limits: EventLimits) => {
  const options = optionsOf(event);
  if (options.maxDeletes !== undefined && options.maxDeletes > limits.maxDeletes)
    throw new CleanupEventError(
      `orphan-cleanup: maxDeletes ${options.maxDeletes} exceeds MAX_DELETES (${limits.maxDeletes}); an event may only lower it`,
    );
  if (limits.dryRun && options.dryRun === false)
    throw new CleanupEventError(
      "orphan-cleanup: DRY_RUN is set for this deployment; an event cannot turn it off",
    );
  return {
    dryRun: options.dryRun ?? limits.dryRun,
    maxDeletes: options.maxDeletes ?? limits.maxDeletes,
    restart: options.restart ?? false,
    scheduler: options.scheduler,
  };
};
