import { fillSchedulerInput } from "@lambda-lab/shared";
import { describe, expect, it } from "vitest";
import { CleanupEventError, parseCleanupEvent, scheduleInput } from "../../src/event.js";

const limits = { dryRun: false, maxDeletes: 1000 };
const context = {
  scheduleArn: "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/lambda-lab-dev-orphan-cleanup",
  scheduledTime: "2026-12-01T03:30:00Z",
  executionId: "d32c5kddcf5bb8c3",
  attemptNumber: "2",
};

describe("the stack schedule's input", () => {
  it("is accepted once Scheduler has filled its context, with the environment's limits", () => {
    const event = JSON.parse(fillSchedulerInput(scheduleInput(), context));
    expect(parseCleanupEvent(event, limits)).toEqual({
      dryRun: false,
      maxDeletes: 1000,
      restart: false,
      scheduler: context,
    });
  });

  it("is refused with its keywords unfilled (invoked by hand with the schedule's raw input)", () => {
    expect(() => parseCleanupEvent(JSON.parse(scheduleInput()), limits)).toThrow(CleanupEventError);
    expect(() => parseCleanupEvent(JSON.parse(scheduleInput()), limits)).toThrow(/scheduler\.scheduledTime/);
  });

  it("still refuses unknown fields beside the scheduler context", () => {
    const event = { ...JSON.parse(fillSchedulerInput(scheduleInput(), context)), dryrun: true };
    expect(() => parseCleanupEvent(event, limits)).toThrow(/dryrun/);
  });
});
