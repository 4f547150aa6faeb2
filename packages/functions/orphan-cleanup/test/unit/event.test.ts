import { describe, expect, it } from "vitest";
import { CleanupEventError, parseCleanupEvent } from "../../src/event.js";
import { makeScheduledEvent } from "../support/events.js";

const limits = { dryRun: false, maxDeletes: 1000 };

describe("schedule payloads", () => {
  it("takes {} as a real run within the environment's limits", () => {
    expect(parseCleanupEvent({}, limits)).toEqual({ dryRun: false, maxDeletes: 1000, restart: false });
  });

  it("takes a Scheduler input with overrides", () => {
    expect(parseCleanupEvent({ dryRun: true, maxDeletes: 10, restart: true }, limits)).toEqual({
      dryRun: true,
      maxDeletes: 10,
      restart: true,
    });
  });

  it("takes an EventBridge Scheduled Event, with options in detail", () => {
    expect(parseCleanupEvent(makeScheduledEvent(), limits)).toEqual({
      dryRun: false,
      maxDeletes: 1000,
      restart: false,
    });
    expect(parseCleanupEvent(makeScheduledEvent({ detail: { dryRun: true } }), limits).dryRun).toBe(true);
  });

  it.each([
    ["an unknown field", { dryrun: true }, /dryrun/],
    ["a wrongly typed field", { maxDeletes: "10" }, /maxDeletes/],
    ["a fractional limit", { maxDeletes: 2.5 }, /maxDeletes/],
    ["another event type", makeScheduledEvent({ "detail-type": "Object Created" }), /Scheduled Event/],
    ["unknown options in detail", makeScheduledEvent({ detail: { force: true } }), /force/],
    ["an S3 notification", { Records: [{ eventName: "ObjectCreated:Put" }] }, /Records/],
    ["null", null, /unrecognised event/],
    ["a string", "run", /unrecognised event/],
  ])("rejects %s with a clear error", (_name, event, message) => {
    expect(() => parseCleanupEvent(event, limits)).toThrow(CleanupEventError);
    expect(() => parseCleanupEvent(event, limits)).toThrow(message);
  });

  it("words zod's own issues in English (zod/mini registers no locale of its own)", () => {
    expect(() => parseCleanupEvent({ maxDeletes: "10" }, limits)).toThrow(
      /Invalid input: expected number, received string +→ at maxDeletes/,
    );
  });

  it("never lets an event raise maxDeletes above MAX_DELETES", () => {
    expect(() => parseCleanupEvent({ maxDeletes: 1001 }, limits)).toThrow(/exceeds MAX_DELETES \(1000\)/);
  });

  it("never lets an event turn a DRY_RUN deployment into a real run", () => {
    expect(() => parseCleanupEvent({ dryRun: false }, { ...limits, dryRun: true })).toThrow(/DRY_RUN/);
    expect(parseCleanupEvent({}, { ...limits, dryRun: true }).dryRun).toBe(true);
  });
});
