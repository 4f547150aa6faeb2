/**
 * The lab's alarms evaluate over the program's period (ALARM_PERIOD_SECONDS in @lambda-lab/infra/emulated,
 * what every deployed Errors/Throttles alarm uses) unless a test asks for a shorter one; the lab used to
 * default to 60 s while the program deploys 300 s.
 */
import { ALARM_PERIOD_SECONDS } from "@lambda-lab/infra/emulated";
import { describe, expect, it } from "vitest";
import { createAlarms, DEFAULT_ALARM_PERIOD_MS } from "../../src/services/alarms.js";

type Published = { Records: { Sns: { Message: string } }[] };
const triggerOf = (event: unknown) =>
  (JSON.parse((event as Published).Records[0]!.Sns.Message) as { Trigger: { Period: number } }).Trigger;

const alarmsWith = (periodMs: number) => {
  const published: unknown[] = [];
  const alarms = createAlarms({
    functions: [{ id: "upload", functionName: "lambda-lab-dev-upload" }],
    periodMs,
    region: "eu-west-1",
    accountId: "000000000000",
    publish: (e) => published.push(e),
  });
  return { alarms, published };
};

describe("the lab's alarm period", () => {
  it("defaults to the program's alarm period, and publishes it as the alarm's Period", () => {
    const { alarms, published } = alarmsWith(DEFAULT_ALARM_PERIOD_MS);
    alarms.record("upload", "Errors");

    alarms.evaluate();
    alarms.stop();

    expect(alarms.periodSeconds).toBe(ALARM_PERIOD_SECONDS);
    expect(triggerOf(published[0]).Period).toBe(ALARM_PERIOD_SECONDS);
  });

  it("says which period is in effect when a test shortens it", () => {
    const { alarms } = alarmsWith(2_000);
    alarms.stop();

    expect(alarms.periodSeconds).toBe(2);
  });
});
