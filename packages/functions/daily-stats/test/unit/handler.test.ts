import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import { describe, expect, it } from "vitest";
import { DailyStatsEventError } from "../../src/event.js";
import { makeHandler } from "../../src/handler.js";
import { makeContext, makeLogger, makeScheduledEvent, uploadKey } from "../support/factories.js";
import { createMemoryStatsDatabase } from "../support/memory-stats-database.js";

const at = (iso: string) => new Date(iso);

const setup = (timeZone: string, now: Date) => {
  const store = createMemoryObjectStore(() => now);
  const db = createMemoryStatsDatabase();
  const handler = makeHandler(
    { store, database: db.database, logger: makeLogger(), now: () => now },
    { TIME_ZONE: timeZone },
  );
  return { store, db, handler };
};

describe("handler: which day", () => {
  it("computes yesterday in the stack's zone for an empty input at 00:05", async () => {
    // 00:05 on 2025-11-25 in Seoul is still the 24th in UTC.
    const { db, handler } = setup("Asia/Seoul", at("2025-11-24T15:05:00Z"));

    const result = await handler({}, makeContext());

    expect(result.day).toBe("2025-11-24");
    expect(result.reportKey).toBe("reports/daily/2025-11-24.json");
    expect([...db.rows.keys()]).toEqual(["2025-11-24"]);
  });

  it("takes yesterday from a Scheduled Event's time, so a late retry computes the same day", async () => {
    const { handler } = setup("Asia/Seoul", at("2025-11-26T03:00:00Z"));

    const result = await handler(makeScheduledEvent(at("2025-11-24T15:05:00Z")), makeContext());

    expect(result.day).toBe("2025-11-24");
  });

  it("computes the day an event names", async () => {
    const { handler } = setup("Asia/Seoul", at("2025-11-24T15:05:00Z"));

    const result = await handler({ date: "2025-10-03" }, makeContext());

    expect(result.day).toBe("2025-10-03");
  });

  it("counts New York's 25-hour fall-back day in full", async () => {
    const { store, handler } = setup("America/New_York", at("2025-11-03T05:05:00Z"));
    // 00:30 EDT, 01:30 EDT, 01:30 EST (the repeated hour) and 23:30 EST: all on November 2nd.
    const times = [
      "2025-11-02T04:30:00Z",
      "2025-11-02T05:30:00Z",
      "2025-11-02T06:30:00Z",
      "2025-11-03T04:30:00Z",
    ];
    for (const [n, time] of times.entries()) {
      store.seed(uploadKey(at(time), "image/jpeg", n), "x", { lastModified: at(time) });
    }
    store.seed(uploadKey(at("2025-11-03T05:00:00Z")), "x", { lastModified: at("2025-11-03T05:00:00Z") });

    const result = await handler({}, makeContext());

    expect(result.day).toBe("2025-11-02");
    expect(result.uploads).toBe(4);
  });
});

describe("handler: bad input", () => {
  const now = at("2025-11-24T15:05:00Z"); // 2025-11-25 in Seoul
  const rejects = async (event: unknown, message: RegExp) => {
    const { db, store, handler } = setup("Asia/Seoul", now);

    const failure = handler(event, makeContext());

    await expect(failure).rejects.toBeInstanceOf(DailyStatsEventError);
    await expect(failure).rejects.toThrow(message);
    expect(db.state.connects).toBe(0);
    expect(store.calls.listPage).toBe(0);
  };

  it("refuses a date that is not on the calendar", () =>
    rejects({ date: "2025-02-29" }, /date: "2025-02-29" is not a calendar date \(YYYY-MM-DD\)/));

  it("refuses a date in another format", () =>
    rejects({ date: "25/11/2025" }, /date: "25\/11\/2025" is not a calendar date/));

  it("refuses a date that is not a string", () =>
    rejects({ date: 20251124 }, /date: must be a string "YYYY-MM-DD"/));

  it("words zod's own issues in English (zod/mini registers no locale of its own)", () =>
    rejects(
      {
        scheduler: {
          scheduleArn: "arn:aws:scheduler:x",
          scheduledTime: "2025-11-24T15:05:00Z",
          executionId: "e",
        },
      },
      /scheduler\.attemptNumber: Invalid input: expected string, received undefined/,
    ));

  it("refuses a future day, naming today in the zone", () =>
    rejects({ date: "2025-11-26" }, /date 2025-11-26 is in the future: today in Asia\/Seoul is 2025-11-25/));

  it("refuses unknown fields, naming them", () =>
    rejects(
      { day: "2025-11-24", force: true },
      /unknown fields "day", "force" \(allowed: "date", "scheduler"\)/,
    ));

  it("refuses an EventBridge event that is not a Scheduled Event", () =>
    rejects(
      makeScheduledEvent(now, { "detail-type": "Object Created", source: "aws.s3" }),
      /detail-type: expected "Scheduled Event", got "Object Created"/,
    ));

  it("refuses a Scheduled Event carrying a detail", () =>
    rejects(makeScheduledEvent(now, { detail: { date: "2025-11-20" } }), /detail: unknown field "date"/));

  it("refuses a payload that is not an object", () =>
    rejects([{ date: "2025-11-24" }], /expected a JSON object .* got an array/));
});
