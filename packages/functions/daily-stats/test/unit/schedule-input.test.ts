import { fillSchedulerInput } from "@lambda-lab/shared";
import { describe, expect, it } from "vitest";
import { DailyStatsEventError, resolveStatsRequest, scheduleInput } from "../../src/event.js";

const context = (scheduledTime: string) => ({
  scheduleArn: "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/lambda-lab-dev-daily-stats",
  scheduledTime,
  executionId: "d32c5kddcf5bb8c3",
  attemptNumber: "1",
});
const filled = (scheduledTime: string) =>
  JSON.parse(fillSchedulerInput(scheduleInput(), context(scheduledTime)));

describe("the stack schedule's input", () => {
  it("computes the day before the schedule fired in the stack's zone", () => {
    // 00:05 in Seoul on 1 December is 15:05 UTC on 30 November.
    const request = resolveStatsRequest(
      filled("2026-11-30T15:05:00Z"),
      "Asia/Seoul",
      new Date("2026-11-30T15:05:02Z"),
    );
    expect(request).toMatchObject({ day: "2026-11-30", reason: "schedule" });
    expect(request.scheduler?.executionId).toBe("d32c5kddcf5bb8c3");
  });

  it("still computes that day when a retry arrives the next day", () => {
    const late = resolveStatsRequest(
      filled("2026-11-30T15:05:00Z"),
      "Asia/Seoul",
      new Date("2026-12-01T16:00:00Z"),
    );
    expect(late.day).toBe("2026-11-30");
  });

  it("is refused with its keywords unfilled, naming the field", () => {
    expect(() => resolveStatsRequest(JSON.parse(scheduleInput()), "Asia/Seoul", new Date())).toThrow(
      DailyStatsEventError,
    );
    expect(() => resolveStatsRequest(JSON.parse(scheduleInput()), "Asia/Seoul", new Date())).toThrow(
      /scheduler\.scheduledTime/,
    );
  });

  it("refuses a date beside the scheduler context", () => {
    const event = { ...filled("2026-11-30T15:05:00Z"), date: "2026-11-01" };
    expect(() => resolveStatsRequest(event, "Asia/Seoul", new Date())).toThrow(
      /either "date" or "scheduler"/,
    );
  });
});
