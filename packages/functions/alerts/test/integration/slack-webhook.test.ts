import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { message, section } from "../../src/slack/block-kit.js";
import {
  createSlackWebhook,
  parseRetryAfter,
  SlackDeliveryError,
  type SlackWebhookOptions,
} from "../../src/slack/webhook.js";
import { createRecordingLog } from "../support/recording-log.js";
import { rejection } from "../support/rejection.js";
import { type SlackSink, startSlackSink } from "../support/slack-sink.js";

const hello = message("hello", "#E01E5A", [section("*hello*")]);

/** A virtual clock: sleeping advances it instantly, so waits are asserted, not endured. */
const virtualTime = () => {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
};

describe("Slack webhook client against a local webhook server", () => {
  let sink: SlackSink;
  let clock: ReturnType<typeof virtualTime>;
  let log: ReturnType<typeof createRecordingLog>;
  const client = (overrides: Partial<SlackWebhookOptions> = {}) =>
    createSlackWebhook({
      url: async () => sink.url,
      maxAttempts: 4,
      minIntervalMs: 0,
      log,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0.5,
      ...overrides,
    });

  beforeAll(async () => {
    sink = await startSlackSink();
  });
  afterAll(async () => {
    await sink.stop();
  });
  beforeEach(() => {
    sink.requests.length = 0;
    sink.delivered.length = 0;
    clock = virtualTime();
    log = createRecordingLog();
  });

  it("posts the message as JSON to the webhook", async () => {
    await client().send(hello);

    expect(sink.delivered).toHaveLength(1);
    expect(sink.delivered[0]?.path).toBe(sink.secretPath);
    expect(sink.delivered[0]?.contentType).toMatch(/^application\/json/);
    expect(sink.delivered[0]?.body).toEqual(hello);
  });

  it("retries a 5xx with exponential backoff, then delivers", async () => {
    sink.respondWith({ status: 500, body: "internal_error" }, { status: 502 });

    await client().send(hello);

    expect(sink.requests).toHaveLength(3);
    expect(sink.delivered).toHaveLength(1);
    expect(clock.sleeps).toEqual([375, 750]); // base 500 · 2^(n-1), jittered to 75 %
    expect(log.entries.filter((e) => e.level === "warn")).toHaveLength(2);
  });

  it("honours Retry-After on a 429, in seconds or as a date", async () => {
    sink.respondWith(
      { status: 429, body: "rate_limited", headers: { "retry-after": "3" } },
      { status: 429, headers: { "retry-after": new Date(clock.now() + 3_000 + 7_000).toUTCString() } },
    );

    await client().send(hello);

    expect(sink.delivered).toHaveLength(1);
    expect(clock.sleeps[0]).toBe(3_000);
    expect(clock.sleeps[1]).toBeGreaterThanOrEqual(6_000); // HTTP dates have 1 s resolution
  });

  it("throws after the last attempt so Lambda's retries keep the alert", async () => {
    sink.respondWith(...Array.from({ length: 4 }, () => ({ status: 503, body: "service_unavailable" })));

    const error = await rejection(client().send(hello));

    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error).toMatchObject({ attempts: 4, status: 503 });
    expect((error as Error).message).toContain("HTTP 503 service_unavailable; gave up after 4 attempt(s)");
    expect(sink.requests).toHaveLength(4);
  });

  it("does not retry a 4xx other than 429, which Slack would answer the same way", async () => {
    sink.respondWith({ status: 400, body: "invalid_blocks" });

    await expect(client().send(hello)).rejects.toThrow("HTTP 400 invalid_blocks; not retryable");
    expect(sink.requests).toHaveLength(1);
  });

  it("retries a dropped connection", async () => {
    sink.respondWith("hang-up");

    await client().send(hello);

    expect(sink.requests).toHaveLength(2);
    expect(sink.delivered).toHaveLength(1);
  });

  it("gives the alert back to Lambda when Retry-After is too long to wait in an invocation", async () => {
    sink.respondWith({ status: 429, headers: { "retry-after": "120" } });

    await expect(client().send(hello)).rejects.toThrow(
      "Retry-After 120 s is longer than an invocation should wait",
    );
    expect(clock.sleeps).toEqual([]);
  });

  it("never waits past the invocation's deadline", async () => {
    sink.respondWith({ status: 429, headers: { "retry-after": "5" } });

    await expect(client().send(hello, { remainingMs: () => 6_000 })).rejects.toThrow(
      "would outlive the invocation",
    );
    expect(clock.sleeps).toEqual([]);
  });

  it("spaces posts by the minimum interval, across sends", async () => {
    const slack = client({ minIntervalMs: 1_000 });

    await slack.send(hello);
    await slack.send(hello);
    await slack.send(hello);

    expect(sink.delivered).toHaveLength(3);
    expect(clock.sleeps).toEqual([1_000, 1_000]);
  });

  it("keeps the webhook URL out of errors and logs, even when Slack echoes it", async () => {
    sink.respondWith(
      { status: 500, body: `boom at ${sink.url}` },
      { status: 404, body: `no_service ${sink.secretPath}` },
    );

    const error = await rejection(client().send(hello));
    const stopped = await startSlackSink();
    const refusedUrl = stopped.url;
    await stopped.stop();
    const refused = await rejection(client({ url: async () => refusedUrl, maxAttempts: 2 }).send(hello));

    expect(error.message).toContain("[webhook");
    expect(refused.message).toMatch(/request failed \(ECONNREFUSED\); gave up after 2 attempt/);
    for (const text of [error.message, error.stack ?? "", refused.message, refused.stack ?? "", log.text()]) {
      expect(text).not.toContain(sink.secretPath);
      expect(text).not.toContain(new URL(refusedUrl).pathname);
    }
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates, and ignores garbage", () => {
    const now = Date.parse("2026-11-25T17:03:17Z");

    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter("0.5", now)).toBe(500);
    expect(parseRetryAfter("Wed, 25 Nov 2026 17:03:27 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 17:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
