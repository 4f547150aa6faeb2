import { describe, expect, it } from "vitest";
import { AlertsEnv } from "../../src/env.js";
import { toEnvironment } from "../../src/environment.js";

/** What Lambda itself puts in every environment (the program never sets it). */
const lambda = { AWS_REGION: "eu-west-1" };

describe("toEnvironment", () => {
  it("builds the cloud's environment (an SSM parameter name) that the env schema reads back", () => {
    const env = AlertsEnv.parse({
      ...lambda,
      ...toEnvironment({
        slackWebhook: { parameter: "/lambda-lab/prod/slack-webhook-url" },
        dedupWindowSeconds: 900,
      }),
    });

    expect(env.webhook).toEqual({ source: "parameter", name: "/lambda-lab/prod/slack-webhook-url" });
    expect(env.DEDUP_WINDOW_SECONDS).toBe(900);
  });

  it("builds the lab's environment (the sink's URL), with dedup turned off", () => {
    const url = "http://127.0.0.1:4590/hooks/slack";

    const env = AlertsEnv.parse({
      ...lambda,
      ...toEnvironment({ slackWebhook: { url }, dedupWindowSeconds: 0 }),
    });

    expect(env.webhook).toEqual({ source: "url", url });
    expect(env.DEDUP_WINDOW_SECONDS).toBe(0);
  });

  it("sets CONSOLE_BASE_URL only when the lab gives its page, and the schema reads it back", () => {
    const url = "http://127.0.0.1:4590/hooks/slack";

    const cloud = toEnvironment({ slackWebhook: { url }, dedupWindowSeconds: 0 });
    const lab = AlertsEnv.parse({
      ...lambda,
      ...toEnvironment({
        slackWebhook: { url },
        dedupWindowSeconds: 0,
        consoleBaseUrl: "http://127.0.0.1:5173/",
      }),
    });

    expect(cloud).not.toHaveProperty("CONSOLE_BASE_URL");
    expect(lab.CONSOLE_BASE_URL).toBe("http://127.0.0.1:5173/");
    expect(() => AlertsEnv.parse({ ...lambda, ...cloud, CONSOLE_BASE_URL: "ftp://x" })).toThrow(
      /http\(s\) URL/,
    );
  });

  it("passes values through untouched, so the program can hand it pulumi.Input<string>s", () => {
    const name = { output: "the parameter's name" };

    expect(toEnvironment({ slackWebhook: { parameter: name }, dedupWindowSeconds: 60 })).toEqual({
      SLACK_WEBHOOK_PARAMETER: name,
      DEDUP_WINDOW_SECONDS: "60",
    });
  });
});
