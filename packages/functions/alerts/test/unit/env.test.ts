import { describe, expect, it } from "vitest";
import pkg from "../../package.json" with { type: "json" };
import { loadEnv } from "../../src/env.js";

const thrownMessage = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return String(error);
  }
  throw new Error("expected a throw");
};

const secret = "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX";

describe("loadEnv", () => {
  it("applies the defaults", () => {
    const env = loadEnv({ AWS_REGION: "eu-west-1", SLACK_WEBHOOK_URL: secret });

    expect(env).toEqual({
      AWS_REGION: "eu-west-1",
      DEDUP_WINDOW_SECONDS: 300,
      STATEMENT_MAX_CHARS: 500,
      SLACK_MAX_ATTEMPTS: 4,
      SLACK_MIN_INTERVAL_MS: 1000,
      webhook: { source: "url", url: secret },
    });
  });

  it("takes an SSM parameter name instead of a URL", () => {
    expect(loadEnv({ AWS_REGION: "eu-west-1", SLACK_WEBHOOK_PARAMETER: "/lab/dev/slack" }).webhook).toEqual({
      source: "parameter",
      name: "/lab/dev/slack",
    });
  });

  it.each([
    [{}, "neither set"],
    [{ SLACK_WEBHOOK_URL: secret, SLACK_WEBHOOK_PARAMETER: "/lab/dev/slack" }, "both set"],
  ])("requires exactly one webhook source", (source, problem) => {
    expect(() => loadEnv({ AWS_REGION: "eu-west-1", ...source })).toThrow(
      `set exactly one of SLACK_WEBHOOK_URL or SLACK_WEBHOOK_PARAMETER (${problem})`,
    );
  });

  it("names a bad variable without echoing the secret", () => {
    const bad = "ftp://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX";

    expect(() => loadEnv({ AWS_REGION: "eu-west-1", SLACK_WEBHOOK_URL: bad })).toThrow(
      /SLACK_WEBHOOK_URL: must be an http\(s\) URL/,
    );
    const message = thrownMessage(() =>
      loadEnv({ AWS_REGION: "eu-west-1", SLACK_WEBHOOK_URL: bad, SLACK_MAX_ATTEMPTS: "0" }),
    );
    expect(message).toContain("SLACK_MAX_ATTEMPTS");
    expect(message).not.toContain("XXXXSECRETXXXX");
  });

  it("requires a region code", () => {
    expect(() => loadEnv({ SLACK_WEBHOOK_URL: secret })).toThrow("AWS_REGION: is not set");
    expect(() => loadEnv({ AWS_REGION: "EU (Ireland)", SLACK_WEBHOOK_URL: secret })).toThrow("AWS_REGION");
  });

  it("accepts the package's verifyEnv", () => {
    expect(() => loadEnv(pkg.lambda.verifyEnv)).not.toThrow();
  });
});
