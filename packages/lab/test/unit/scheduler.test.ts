import { readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveStatsRequest } from "@lambda-lab/daily-stats/events";
import { parseCleanupEvent } from "@lambda-lab/orphan-cleanup/events";
import { describe, expect, it } from "vitest";
import { scheduledInput } from "../../src/services/scheduler.js";

const sample = (id: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, "../../events", `${id}-scheduled.json`), "utf8"));
const fire = (functionId: string, time: Date) =>
  scheduledInput({
    functionId,
    region: "eu-west-1",
    accountId: "000000000000",
    scheduleName: `lambda-lab-dev-${functionId}-schedule`,
    time,
  });

describe("what the lab delivers when a schedule fires", () => {
  it("is the function's own schedule input with Scheduler's context filled in", () => {
    const event = fire("orphan-cleanup", new Date("2026-11-25T02:30:00.123Z")) as {
      scheduler: Record<string, string>;
    };
    expect(event.scheduler).toMatchObject({
      scheduleArn:
        "arn:aws:scheduler:eu-west-1:000000000000:schedule/default/lambda-lab-dev-orphan-cleanup-schedule",
      scheduledTime: "2026-11-25T02:30:00Z",
      attemptNumber: "1",
    });
    expect(event.scheduler.executionId).toMatch(/^[0-9a-f]{16}$/);
    expect(parseCleanupEvent(event, { dryRun: false, maxDeletes: 10 }).scheduler).toEqual(event.scheduler);
  });

  it("makes daily-stats compute the day before the firing", () => {
    const event = fire("daily-stats", new Date("2026-11-24T15:05:00Z"));
    expect(resolveStatsRequest(event, "Asia/Seoul", new Date("2026-11-26T00:00:00Z")).day).toBe("2026-11-24");
  });

  it.each(["orphan-cleanup", "daily-stats"])("matches the %s sample event but for the execution id", (id) => {
    const expected = sample(id);
    const event = fire(id, new Date(expected.scheduler.scheduledTime)) as typeof expected;
    expect({
      ...event,
      scheduler: { ...event.scheduler, executionId: expected.scheduler.executionId },
    }).toEqual(expected);
  });
});
