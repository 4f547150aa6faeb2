import { afterEach, describe, expect, it, vi } from "vitest";
import { createAlarms } from "../../src/services/alarms.js";

afterEach(() => vi.useRealTimers());

type Published = { Records: { Sns: { Message: string } }[] };
const messageOf = (event: unknown) =>
  JSON.parse((event as Published).Records[0]!.Sns.Message) as {
    NewStateReason: string;
    AlarmDescription: string;
    StateChangeTime: string;
  };

describe("the lab's alarm messages", () => {
  it("quote the datapoint at the start of the period the burst fell in, and explain the delay", () => {
    vi.useFakeTimers({ now: new Date("2026-11-25T17:02:04Z") });
    const published: unknown[] = [];
    const alarms = createAlarms({
      functions: [{ id: "upload", functionName: "lambda-lab-dev-upload" }],
      periodMs: 60_000,
      region: "eu-west-1",
      accountId: "000000000000",
      publish: (e) => published.push(e),
    });
    vi.setSystemTime(new Date("2026-11-25T17:02:30Z"));
    for (let i = 0; i < 15; i++) alarms.record("upload", "Throttles");
    vi.setSystemTime(new Date("2026-11-25T17:03:04Z"));

    alarms.evaluate();
    alarms.stop();

    expect(published).toHaveLength(1);
    const message = messageOf(published[0]);
    // The old reason quoted "one minute before the change" rounded to the minute: 17:02:00, not the burst's period.
    expect(message.NewStateReason).toContain("[15.0 (25/11/26 17:02:04)]");
    expect(message.NewStateReason).toMatch(/greater than or equal to the threshold \(1\.0\)/);
    expect(message.StateChangeTime).toBe("2026-11-25T17:03:04.000+0000");
    expect(message.AlarmDescription).toContain(
      "first datapoint at 17:02:30, period 17:02:04–17:03:04 UTC, evaluated 34 s later",
    );
    expect(message.AlarmDescription).toMatch(/1–3 min/);
  });
});
