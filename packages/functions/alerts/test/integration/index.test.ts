import { makeAlarmSnsEvent } from "@lambda-lab/testing";
import type { Context } from "aws-lambda";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ALARM_FAMILIES } from "../support/alarm-families.js";
import { rejection } from "../support/rejection.js";
import { type SlackSink, startSlackSink } from "../support/slack-sink.js";

const context = {
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  functionName: "lab-dev-alerts",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:lab-dev-alerts",
  memoryLimitInMB: "256",
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

/** Imports the composition root afresh with `env`, capturing what the real Powertools logger writes. */
const loadIndex = async (env: Record<string, string>) => {
  vi.resetModules();
  vi.unstubAllEnvs();
  for (const name of ["SLACK_WEBHOOK_URL", "SLACK_WEBHOOK_PARAMETER"]) vi.stubEnv(name, undefined);
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return (await import("../../src/index.js")) as {
    handler: (event: unknown, context: Context) => Promise<unknown>;
  };
};

describe("the composition root (src/index.ts)", () => {
  let sink: SlackSink;
  let output: string[];
  beforeAll(async () => {
    sink = await startSlackSink();
  });
  afterAll(async () => {
    await sink.stop();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });
  /** Powertools writes INFO to stdout and WARN/ERROR to stderr. */
  const captureOutput = () => {
    output = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
        output.push(String(chunk));
        return true;
      });
    }
  };

  it("imports without any I/O when the webhook is an SSM parameter", async () => {
    // The SSM read goes through fetch (aws4fetch), so no fetch at import means no SSM call at import.
    const fetchSpy = vi.spyOn(globalThis, "fetch");

    const module = await loadIndex({
      AWS_REGION: "eu-west-1",
      DEDUP_WINDOW_SECONDS: "900",
      // Lambda's role credentials, so a read at import would get as far as fetch.
      AWS_ACCESS_KEY_ID: "ASIAEXAMPLEKEY",
      AWS_SECRET_ACCESS_KEY: "example-secret-access-key",
      SLACK_WEBHOOK_PARAMETER: "/lambda-lab/dev/slack-webhook-url",
    });

    expect(typeof module.handler).toBe("function");
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("fails at import with the variable named when the environment is wrong", async () => {
    await expect(loadIndex({ AWS_REGION: "eu-west-1", DEDUP_WINDOW_SECONDS: "900" })).rejects.toThrow(
      "alerts: invalid environment: (environment): set exactly one of SLACK_WEBHOOK_URL or SLACK_WEBHOOK_PARAMETER (neither set)",
    );
  });

  it("posts an alarm to the webhook from SLACK_WEBHOOK_URL", async () => {
    const { handler } = await loadIndex({
      AWS_REGION: "eu-west-1",
      DEDUP_WINDOW_SECONDS: "900",
      SLACK_WEBHOOK_URL: sink.url,
      SLACK_MIN_INTERVAL_MS: "0",
    });
    captureOutput();

    const summary = await handler(makeAlarmSnsEvent(ALARM_FAMILIES["Lambda throttles"]!), context);

    expect(summary).toMatchObject({ alarms: 1, messagesSent: 1 });
    expect(sink.delivered.at(-1)?.body.text).toContain("lab-dev-upload-throttles");
    expect(output.join("")).toContain(context.awsRequestId);
  });

  it("logs a Slack outage through Powertools without the webhook URL, and throws", async () => {
    const { handler } = await loadIndex({
      AWS_REGION: "eu-west-1",
      DEDUP_WINDOW_SECONDS: "900",
      SLACK_WEBHOOK_URL: sink.url,
      SLACK_MIN_INTERVAL_MS: "0",
      SLACK_MAX_ATTEMPTS: "2",
    });
    sink.respondWith({ status: 500, body: `oops ${sink.url}` }, { status: 503, body: "service_unavailable" });
    captureOutput();

    const error = await rejection(handler(makeAlarmSnsEvent(ALARM_FAMILIES["Lambda errors"]!), context));

    expect(error.message).toContain("HTTP 503 service_unavailable; gave up after 2 attempt(s)");
    const logs = output.join("");
    expect(logs).toContain("Slack delivery failed");
    expect(logs).toContain("[webhook]");
    expect(logs).not.toContain(sink.secretPath);
    expect(`${error.message}${error.stack}`).not.toContain(sink.secretPath);
  });
});
