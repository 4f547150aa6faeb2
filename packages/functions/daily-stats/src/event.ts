import { IN_ENGLISH, type IsoDate, SchedulerContext, schedulerContextInput } from "@lambda-lab/shared";
import * as z from "zod/mini";
import { addDays, localDateOf, parseIsoDate } from "./calendar.js";

/** A payload daily-stats cannot act on. Never retried into success, so the message says what to fix. */
export class DailyStatsEventError extends Error {
  override name = "DailyStatsEventError";
  constructor(readonly problems: readonly string[]) {
    super(`daily-stats: invalid event: ${problems.join("; ")}`);
  }
}

const CalendarDate = z.string({ error: 'must be a string "YYYY-MM-DD"' }).check(
  z.refine((value) => parseIsoDate(value) !== undefined, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a calendar date (YYYY-MM-DD)`,
  }),
);

/**
 * What the schedule's input may be: `{}` (yesterday), `{ "date": "YYYY-MM-DD" }` to (re)compute a day, or
 * the stack schedule's input with EventBridge Scheduler's context filled in (`scheduleInput`).
 */
export const StatsRequestEvent = z.strictObject({
  date: z.optional(CalendarDate),
  scheduler: z.optional(SchedulerContext),
});

/**
 * The target input the stack's schedule is configured with. Scheduler fills `scheduledTime` with the time the
 * firing was due, so a retry hours later still computes the day before the schedule fired, not before now.
 */
export const scheduleInput = (): string => JSON.stringify({ scheduler: schedulerContextInput() });

/**
 * The envelope EventBridge (a rule, or Scheduler's templated target) wraps a scheduled invocation in. Its
 * `time` is when the schedule fired: a delayed retry still computes the day before that, not before now.
 */
export const ScheduledEventEnvelope = z.looseObject({
  "detail-type": z.literal("Scheduled Event", {
    error: (issue) => `expected "Scheduled Event", got ${JSON.stringify(issue.input)}`,
  }),
  source: z.string().check(z.minLength(1)),
  time: z.iso.datetime({ offset: true }),
  detail: z.strictObject({}),
});

export interface StatsRequest {
  day: IsoDate;
  /** `schedule`: the day before the schedule fired; `date`: the day the event named. */
  reason: "schedule" | "date";
  /** Which Scheduler firing and attempt asked, when Scheduler did. */
  scheduler?: SchedulerContext;
}

/**
 * One line per issue, led by the field it is about. Unknown keys can only be top-level ones of the
 * `{ date }` request (the envelope is loose) or keys inside the envelope's `detail`, which must be empty.
 */
const problemsOf = (error: z.core.$ZodError): string[] =>
  error.issues.map((issue) => {
    const where = issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ` : "";
    if (issue.code === "unrecognized_keys") {
      const fields = issue.keys.map((key) => JSON.stringify(key)).join(", ");
      return `${where}unknown field${issue.keys.length > 1 ? "s" : ""} ${fields} (${where ? "must be empty" : 'allowed: "date", "scheduler"'})`;
    }
    return `${where}${issue.message}`;
  });

const kindOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;

/**
 * Turns the invocation payload into the day to compute, in `timeZone`. A day that has not begun yet is
 * refused (today is allowed: it is recomputed by tomorrow's schedule anyway).
 */
export const resolveStatsRequest = (event: unknown, timeZone: string, now: Date): StatsRequest => {
  // An invocation without a payload (the console's "Test", `aws lambda invoke` with none) means "yesterday".
  const payload = event ?? {};
  if (typeof payload !== "object" || Array.isArray(payload)) {
    throw new DailyStatsEventError([
      `expected a JSON object ({}, {"date":"YYYY-MM-DD"} or an EventBridge Scheduled Event), got ${kindOf(payload)}`,
    ]);
  }
  if ("detail-type" in payload) {
    const envelope = ScheduledEventEnvelope.safeParse(payload, IN_ENGLISH);
    if (!envelope.success) throw new DailyStatsEventError(problemsOf(envelope.error));
    return { day: addDays(localDateOf(new Date(envelope.data.time), timeZone), -1), reason: "schedule" };
  }
  const request = StatsRequestEvent.safeParse(payload, IN_ENGLISH);
  if (!request.success) throw new DailyStatsEventError(problemsOf(request.error));
  const today = localDateOf(now, timeZone);
  const { scheduler } = request.data;
  if (scheduler && request.data.date !== undefined) {
    throw new DailyStatsEventError(['give either "date" or "scheduler", not both']);
  }
  if (scheduler) {
    const fired = localDateOf(new Date(scheduler.scheduledTime), timeZone);
    return { day: addDays(fired, -1), reason: "schedule", scheduler };
  }
  if (request.data.date === undefined) return { day: addDays(today, -1), reason: "schedule" };
  // ISO dates compare correctly as strings.
  if (request.data.date > today) {
    throw new DailyStatsEventError([
      `date ${request.data.date} is in the future: today in ${timeZone} is ${today}`,
    ]);
  }
  return { day: request.data.date, reason: "date" };
};
