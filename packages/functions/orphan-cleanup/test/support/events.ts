import { makeScheduledEvent as scheduledEvent } from "@lambda-lab/testing/scheduler";

/** The envelope an EventBridge rule with a rate()/cron() schedule delivers; `overrides` may break it on purpose. */
export const makeScheduledEvent = (overrides: Record<string, unknown> = {}) => ({
  ...scheduledEvent({ time: "2025-06-01T00:05:00Z", region: "ap-northeast-2" }),
  ...overrides,
});
