import { randomBytes } from "node:crypto";
import { SCHEDULE_INPUTS } from "@lambda-lab/infra/schedule-inputs";
import { fillSchedulerInput } from "@lambda-lab/shared";
import { Cron } from "croner";

/** A recurring schedule: EventBridge's `cron(…)` (six fields) or `rate(N unit)`. */
export type ParsedSchedule =
  | { kind: "cron"; pattern: string; expression: string }
  | { kind: "rate"; everyMs: number; expression: string };

const RATE_UNITS: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

/**
 * Turns an EventBridge schedule expression into something croner runs. EventBridge cron has six fields
 * (minutes hours day-of-month month day-of-week year), weekdays 1-7 from Sunday, and `?` for "no value";
 * croner takes seven (seconds first) with Quartz weekdays, and reads `?` differently, so `?` becomes `*`.
 */
export const parseScheduleExpression = (expression: string): ParsedSchedule => {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const every = Number(rate[1]) * RATE_UNITS[rate[2]!]!;
    if (every <= 0) throw new Error(`${expression}: a rate must be positive`);
    return { kind: "rate", everyMs: every, expression };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  const fields = cron?.[1]?.trim().split(/\s+/);
  if (fields?.length !== 6)
    throw new Error(
      `${expression}: expected cron(minutes hours day-of-month month day-of-week year) or rate(N unit)`,
    );
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if (dom !== "?" && dow !== "?")
    throw new Error(`${expression}: EventBridge needs "?" in day-of-month or day-of-week`);
  const pattern = ["0", minutes, hours, dom, month, dow, year].map((f) => (f === "?" ? "*" : f)).join(" ");
  // Validate now, so a bad expression fails at start with the expression in the message.
  try {
    new Cron(pattern, { paused: true, mode: "7-part", alternativeWeekdays: true, sloppyRanges: true }).stop();
  } catch (error) {
    throw new Error(`${expression}: ${(error as Error).message}`);
  }
  return { kind: "cron", pattern, expression };
};

/**
 * What EventBridge Scheduler hands the function when a schedule fires: the configured input with its context
 * attributes filled in (scheduled time to the second, a 16-hex-digit execution id, attempt 1 — the lab
 * invokes once, so the attempt never grows).
 */
export const scheduledInput = (options: {
  functionId: string;
  region: string;
  accountId: string;
  scheduleName: string;
  time?: Date;
}): unknown => {
  // The program's own table of Scheduler inputs (`@lambda-lab/infra/schedule-inputs`), not a copy.
  const input = (SCHEDULE_INPUTS as Readonly<Record<string, () => string>>)[options.functionId];
  if (!input) throw new Error(`${options.functionId} has no schedule input`);
  return JSON.parse(
    fillSchedulerInput(input(), {
      scheduleArn: `arn:aws:scheduler:${options.region}:${options.accountId}:schedule/default/${options.scheduleName}`,
      scheduledTime: (options.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z"),
      executionId: randomBytes(8).toString("hex"),
      attemptNumber: "1",
    }),
  );
};

export interface ScheduleEntry {
  functionId: string;
  expression: string;
  timeZone: string;
  nextRun: string | undefined;
}

export interface Scheduler {
  entries(): ScheduleEntry[];
  stop(): void;
}

/**
 * Fires each schedule in the stack's time zone (EventBridge Scheduler's schedule time zone), calling
 * `fire(functionId, time)`; the lab turns that into an async invoke, as Scheduler does.
 */
export const startScheduler = (
  schedules: readonly { functionId: string; expression: string }[],
  timeZone: string,
  fire: (functionId: string, time: Date) => void,
): Scheduler => {
  const jobs = schedules.map((s) => {
    const parsed = parseScheduleExpression(s.expression);
    if (parsed.kind === "rate") {
      let next = Date.now() + parsed.everyMs;
      const timer = setInterval(() => {
        next = Date.now() + parsed.everyMs;
        fire(s.functionId, new Date());
      }, parsed.everyMs);
      timer.unref();
      return { ...s, nextRun: () => new Date(next), stop: () => clearInterval(timer) };
    }
    const job = new Cron(
      parsed.pattern,
      { timezone: timeZone, mode: "7-part", alternativeWeekdays: true, sloppyRanges: true, unref: true },
      () => fire(s.functionId, new Date()),
    );
    return { ...s, nextRun: () => job.nextRun(), stop: () => job.stop() };
  });
  return {
    entries: () =>
      jobs.map((j) => ({
        functionId: j.functionId,
        expression: j.expression,
        timeZone,
        nextRun: j.nextRun()?.toISOString(),
      })),
    stop: () => {
      for (const job of jobs) job.stop();
    },
  };
};
