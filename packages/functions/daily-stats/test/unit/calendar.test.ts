import { describe, expect, it } from "vitest";
import {
  addDays,
  canonicalTimeZone,
  dayWindow,
  localDateOf,
  parseIsoDate,
  utcDateFolders,
} from "../../src/calendar.js";

const HOUR = 3_600_000;
const hoursOf = (w: { start: Date; end: Date }) => (w.end.getTime() - w.start.getTime()) / HOUR;

describe("dayWindow", () => {
  it("gives a Seoul day as 24 hours from 15:00 UTC the day before", () => {
    const window = dayWindow("2025-11-25", "Asia/Seoul");

    expect(window.start.toISOString()).toBe("2025-11-24T15:00:00.000Z");
    expect(window.end.toISOString()).toBe("2025-11-25T15:00:00.000Z");
  });

  it("gives New York's spring-forward day 23 hours", () => {
    const window = dayWindow("2025-03-09", "America/New_York");

    expect(window.start.toISOString()).toBe("2025-03-09T05:00:00.000Z");
    expect(window.end.toISOString()).toBe("2025-03-10T04:00:00.000Z");
    expect(hoursOf(window)).toBe(23);
  });

  it("gives New York's fall-back day 25 hours", () => {
    const window = dayWindow("2025-11-02", "America/New_York");

    expect(window.start.toISOString()).toBe("2025-11-02T04:00:00.000Z");
    expect(window.end.toISOString()).toBe("2025-11-03T05:00:00.000Z");
    expect(hoursOf(window)).toBe(25);
  });

  it("starts a day whose midnight is skipped by DST at the jump (Santiago springs 00:00 → 01:00)", () => {
    const window = dayWindow("2024-09-08", "America/Santiago");

    // 00:00 -04 never happens that day: the clock reads 01:00 -03 at 04:00 UTC.
    expect(window.start.toISOString()).toBe("2024-09-08T04:00:00.000Z");
    expect(hoursOf(window)).toBe(23);
  });

  it("tiles every day of a year, with no gap or overlap, in zones with odd DST rules", () => {
    for (const zone of ["Asia/Seoul", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "UTC"]) {
      let day = "2024-01-01";
      for (let i = 0; i < 366; i++) {
        const window = dayWindow(day, zone);
        const next = addDays(day, 1);

        expect(window.end).toEqual(dayWindow(next, zone).start);
        expect(localDateOf(window.start, zone)).toBe(day);
        expect(localDateOf(new Date(window.start.getTime() - 1), zone)).toBe(addDays(day, -1));
        expect(localDateOf(new Date(window.end.getTime() - 1), zone)).toBe(day);
        // Lord Howe shifts by 30 minutes: its DST days are 23.5 and 24.5 hours long.
        expect([23, 23.5, 24, 24.5, 25]).toContain(hoursOf(window));
        day = next;
      }
    }
  });
});

describe("localDateOf", () => {
  it("reads the date on the zone's wall clock, not in UTC", () => {
    const fiveMinutesPastSeoulMidnight = new Date("2025-11-24T15:05:00Z");

    expect(localDateOf(fiveMinutesPastSeoulMidnight, "Asia/Seoul")).toBe("2025-11-25");
    expect(localDateOf(fiveMinutesPastSeoulMidnight, "America/New_York")).toBe("2025-11-24");
  });
});

describe("utcDateFolders", () => {
  it("names the two UTC dates a Seoul day touches", () => {
    const window = dayWindow("2025-11-25", "Asia/Seoul");

    expect(utcDateFolders(window.start, window.end)).toEqual(["2025/11/24", "2025/11/25"]);
  });

  it("names one UTC date for a UTC day", () => {
    const window = dayWindow("2025-12-31", "UTC");

    expect(utcDateFolders(window.start, window.end)).toEqual(["2025/12/31"]);
  });
});

describe("dates", () => {
  it("adds calendar days across months, years and leap days", () => {
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addDays("2025-03-01", -1)).toBe("2025-02-28");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
  });

  it("accepts only real calendar days in YYYY-MM-DD", () => {
    expect(parseIsoDate("2024-02-29")).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseIsoDate("2025-02-29")).toBeUndefined();
    expect(parseIsoDate("2025-13-01")).toBeUndefined();
    expect(parseIsoDate("2025-1-01")).toBeUndefined();
    expect(parseIsoDate("2025-01-01T00:00:00Z")).toBeUndefined();
  });
});

describe("canonicalTimeZone", () => {
  it("normalises IANA names and aliases", () => {
    expect(canonicalTimeZone("asia/seoul")).toBe("Asia/Seoul");
    expect(canonicalTimeZone("US/Eastern")).toBe("America/New_York");
  });

  it("refuses unknown zones and fixed offsets", () => {
    expect(canonicalTimeZone("Mars/Olympus_Mons")).toBeUndefined();
    expect(canonicalTimeZone("+09:00")).toBeUndefined();
    expect(canonicalTimeZone("")).toBeUndefined();
  });
});
