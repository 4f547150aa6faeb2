import { describe, expect, it } from "vitest";
import { runsPerMonth, ScheduleExpressionError } from "../src/schedule-runs.js";

describe("runs per month of a Scheduler expression (730 h)", () => {
  it("counts cron() fire times: hourly, daily, every 15 minutes, weekdays at 09:00", () => {
    expect(runsPerMonth("cron(30 * * * ? *)")).toBeCloseTo(730, 6);
    expect(runsPerMonth("cron(5 0 * * ? *)")).toBeCloseTo((365 / 8760) * 730, 6);
    expect(runsPerMonth("cron(0/15 * * * ? *)")).toBeCloseTo(4 * 730, 6);
    // 2025 has 261 weekdays
    expect(runsPerMonth("cron(0 9 ? * MON-FRI *)")).toBeCloseTo((261 / 8760) * 730, 6);
  });

  it("computes rate() exactly", () => {
    expect(runsPerMonth("rate(5 minutes)")).toBe(8760);
    expect(runsPerMonth("rate(1 day)")).toBeCloseTo(730 / 24, 10);
  });

  it("refuses what it cannot count rather than guess", () => {
    expect(() => runsPerMonth("cron(0 9 L * ? *)")).toThrow(ScheduleExpressionError);
    expect(() => runsPerMonth("at(2026-01-01T00:00:00)")).toThrow(/expected rate/);
    expect(() => runsPerMonth("cron(61 * * * ? *)")).toThrow(/outside 0-59/);
  });
});
