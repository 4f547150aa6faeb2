import type { IsoDate } from "@lambda-lab/shared";

/** A calendar day in a time zone as the half-open span of instants `[start, end)`. */
export interface DayWindow {
  day: IsoDate;
  timeZone: string;
  start: Date;
  end: Date;
}

const DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// One formatter per zone: building an Intl.DateTimeFormat costs far more than using one.
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** The zone names env.ts accepts, one rule for every package (packages/shared/src/env-fields.ts). */
export { canonicalTimeZone } from "@lambda-lab/shared";

/** The wall-clock reading in `timeZone` at `instant`, expressed as if that reading were UTC. */
const wallClockMillis = (instant: number, timeZone: string): number => {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second) + (((instant % 1000) + 1000) % 1000);
};

/** The zone's UTC offset in milliseconds at `instant` (positive east of Greenwich). */
const offsetAt = (instant: number, timeZone: string): number => wallClockMillis(instant, timeZone) - instant;

/** Parses a `YYYY-MM-DD` string that names a real calendar day; undefined otherwise (`2025-02-30`). */
export const parseIsoDate = (value: string): { year: number; month: number; day: number } | undefined => {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 02-30 over to 03-02; a real day survives the round trip. Years 0-99 are mapped to
  // 1900-1999 by Date.UTC, so setUTCFullYear pins the year first.
  probe.setUTCFullYear(year, month - 1, day);
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day
    ? { year, month, day }
    : undefined;
};

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `YYYY-MM-DD` of a UTC-midnight millisecond value (date-only arithmetic, no zone involved). */
const isoDateOfUtcMidnight = (millis: number): IsoDate => {
  const d = new Date(millis);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

const utcMidnightOf = (date: IsoDate): number => {
  const parsed = parseIsoDate(date);
  if (!parsed) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  const probe = new Date(0);
  probe.setUTCFullYear(parsed.year, parsed.month - 1, parsed.day);
  return probe.getTime();
};

/** The calendar date in `timeZone` at `instant`. */
export const localDateOf = (instant: Date, timeZone: string): IsoDate => {
  const wall = wallClockMillis(instant.getTime(), timeZone);
  return isoDateOfUtcMidnight(wall - (((wall % DAY) + DAY) % DAY));
};

/** `date` plus `days` calendar days (negative goes back). Pure date arithmetic: DST cannot affect it. */
export const addDays = (date: IsoDate, days: number): IsoDate =>
  isoDateOfUtcMidnight(utcMidnightOf(date) + days * DAY);

/**
 * The first instant whose local date in `timeZone` is `date`. Usually local midnight; where a DST jump
 * skips midnight (America/Santiago springs from 00:00 to 01:00) it is the instant of the jump, and where
 * midnight happens twice it is the first one. The true start lies within ±14 h of "midnight UTC" and a
 * zone changes offset at most once in such a span, so the offsets a day either side are the candidates.
 */
const startOfDay = (date: IsoDate, timeZone: string): number => {
  const wallMidnight = utcMidnightOf(date);
  const offsets = new Set([-DAY, 0, DAY].map((shift) => offsetAt(wallMidnight + shift, timeZone)));
  const candidates = [...offsets]
    .map((offset) => wallMidnight - offset)
    .filter((instant) => localDateOf(new Date(instant), timeZone) === date)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first === undefined) throw new RangeError(`cannot place ${date} in ${timeZone}`);
  return first;
};

/**
 * The instants of `date` in `timeZone`: from the day's first instant up to the next day's first instant,
 * so consecutive days tile time with no gap and no overlap, whatever the zone's DST rules (23 h and 25 h
 * days included).
 */
export const dayWindow = (date: IsoDate, timeZone: string): DayWindow => ({
  day: date,
  timeZone,
  start: new Date(startOfDay(date, timeZone)),
  end: new Date(startOfDay(addDays(date, 1), timeZone)),
});

/**
 * The UTC dates (`YYYY/MM/DD` folders of the key layout) of every instant in `[from, to)`: a local day
 * touches two UTC dates in most zones, three at most.
 */
export const utcDateFolders = (from: Date, to: Date): string[] => {
  const folders: string[] = [];
  let midnight = from.getTime() - (((from.getTime() % DAY) + DAY) % DAY);
  while (midnight < to.getTime()) {
    const d = new Date(midnight);
    folders.push(`${pad(d.getUTCFullYear(), 4)}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`);
    midnight += DAY;
  }
  return folders;
};
