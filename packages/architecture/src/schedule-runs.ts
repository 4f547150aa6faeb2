/**
 * How often an EventBridge Scheduler expression fires in an average month (730 hours), so the idle cost
 * shows what the schedules run with no traffic at all. Supports `rate(N unit)` and the `cron()` fields the
 * stacks use: numbers, `*`, lists, ranges, steps, `?`, and day/month names
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html). `L`, `W` and `#` are
 * refused with a clear error rather than guessed.
 */

const HOURS_PER_MONTH = 730;
const MINUTE_MS = 60_000;
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

export class ScheduleExpressionError extends Error {
  override name = "ScheduleExpressionError";
}

const UNIT_MINUTES: Record<string, number> = {
  minute: 1,
  minutes: 1,
  hour: 60,
  hours: 60,
  day: 1440,
  days: 1440,
};

/** The values a cron field allows, or undefined for "any" (`*`, `?`). */
const field = (
  text: string,
  min: number,
  max: number,
  names: string[] | undefined,
  base: number,
  expression: string,
): Set<number> | undefined => {
  if (text === "*" || text === "?") return undefined;
  const value = (token: string): number => {
    const named = names?.indexOf(token.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + base : Number(token);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ScheduleExpressionError(`${expression}: "${token}" is outside ${min}-${max}`);
    return n;
  };
  const out = new Set<number>();
  for (const part of text.split(",")) {
    if (/[LW#]/.test(part))
      throw new ScheduleExpressionError(
        `${expression}: "${part}" (L, W, #) is not supported by the cost model`,
      );
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new ScheduleExpressionError(`${expression}: bad step "${part}"`);
    const [from, to] =
      range === "*"
        ? [min, max]
        : range.includes("-")
          ? (range.split("-").map(value) as [number, number])
          : [value(range), stepText === undefined ? value(range) : max];
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
};

/** Fires per average month: rate() exactly, cron() counted minute by minute over a non-leap year. */
export const runsPerMonth = (expression: string): number => {
  const rate = /^rate\((\d+) (\w+)\)$/.exec(expression);
  if (rate) {
    const minutes = UNIT_MINUTES[rate[2] ?? ""];
    const n = Number(rate[1]);
    if (!minutes || n < 1)
      throw new ScheduleExpressionError(`${expression}: not a rate(N minutes|hours|days)`);
    return (HOURS_PER_MONTH * 60) / (n * minutes);
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  const parts = cron?.[1]?.trim().split(/\s+/);
  if (parts?.length !== 6)
    throw new ScheduleExpressionError(
      `${expression}: expected rate(…) or cron(min hour day month weekday year)`,
    );
  const [min, hour, dom, month, dow] = parts as [string, string, string, string, string, string];
  const minutes = field(min, 0, 59, undefined, 0, expression);
  const hours = field(hour, 0, 23, undefined, 0, expression);
  const days = field(dom, 1, 31, undefined, 1, expression);
  const months = field(month, 1, 12, MONTHS, 1, expression);
  // EventBridge numbers weekdays 1-7 from Sunday.
  const weekdays = field(dow, 1, 7, DAYS, 1, expression);
  let fires = 0;
  // 2025 is a non-leap year; the weekday pattern of any year averages out the same.
  const start = Date.UTC(2025, 0, 1);
  for (let t = start; t < Date.UTC(2026, 0, 1); t += MINUTE_MS) {
    const d = new Date(t);
    if (minutes && !minutes.has(d.getUTCMinutes())) continue;
    if (hours && !hours.has(d.getUTCHours())) continue;
    if (months && !months.has(d.getUTCMonth() + 1)) continue;
    if (days && !days.has(d.getUTCDate())) continue;
    if (weekdays && !weekdays.has(d.getUTCDay() + 1)) continue;
    fires++;
  }
  return (fires / (365 * 24)) * HOURS_PER_MONTH;
};
