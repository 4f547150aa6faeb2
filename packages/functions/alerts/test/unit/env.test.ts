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
/** What the stack always sets besides the webhook (Lambda provides AWS_REGION). */
const stack = { AWS_REGION: "eu-west-1", DEDUP_WINDOW_SECONDS: "900" };

describe("loadEnv", () => {
  it("applies the defaults of what the stack does not set", () => {
    const env = loadEnv({ ...stack, SLACK_WEBHOOK_URL: secret });

    expect(env).toEqual({
      AWS_REGION: "eu-west-1",
      DEDUP_WINDOW_SECONDS: 900,
      STATEMENT_MAX_CHARS: 500,
      SLACK_MAX_ATTEMPTS: 4,
      SLACK_MIN_INTERVAL_MS: 1000,
      webhook: { source: "url", url: secret },
    });
  });

  it("requires the dedup window, which the stack always sets, so the function has no default of its own", () => {
    expect(() => loadEnv({ AWS_REGION: "eu-west-1", SLACK_WEBHOOK_URL: secret })).toThrow(
      "DEDUP_WINDOW_SECONDS: is not set",
    );
    expect(
      loadEnv({ ...stack, DEDUP_WINDOW_SECONDS: "0", SLACK_WEBHOOK_URL: secret }).DEDUP_WINDOW_SECONDS,
    ).toBe(0);
  });

  it.each(["", " ", "1e3"])("refuses DEDUP_WINDOW_SECONDS=%j rather than reading it as a number", (value) => {
    expect(() => loadEnv({ ...stack, DEDUP_WINDOW_SECONDS: value, SLACK_WEBHOOK_URL: secret })).toThrow(
      "DEDUP_WINDOW_SECONDS: must be a whole number",
    );
  });

  it("takes an SSM parameter name instead of a URL", () => {
    expect(loadEnv({ ...stack, SLACK_WEBHOOK_PARAMETER: "/lab/dev/slack" }).webhook).toEqual({
      source: "parameter",
      name: "/lab/dev/slack",
    });
  });

  it.each([
    [{}, "neither set"],
    [{ SLACK_WEBHOOK_URL: secret, SLACK_WEBHOOK_PARAMETER: "/lab/dev/slack" }, "both set"],
  ])("requires exactly one webhook source", (source, problem) => {
    expect(() => loadEnv({ ...stack, ...source })).toThrow(
      `set exactly one of SLACK_WEBHOOK_URL or SLACK_WEBHOOK_PARAMETER (${problem})`,
    );
  });

  it("names a bad variable without echoing the secret", () => {
    const bad = "ftp://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX";

    expect(() => loadEnv({ ...stack, SLACK_WEBHOOK_URL: bad })).toThrow(
      /SLACK_WEBHOOK_URL: must be an http\(s\) URL/,
    );
    const message = thrownMessage(() =>
      loadEnv({ ...stack, SLACK_WEBHOOK_URL: bad, SLACK_MAX_ATTEMPTS: "0" }),
    );
    expect(message).toContain("SLACK_MAX_ATTEMPTS");
    expect(message).not.toContain("XXXXSECRETXXXX");
  });

  it("requires a region code", () => {
    expect(() => loadEnv({ DEDUP_WINDOW_SECONDS: "900", SLACK_WEBHOOK_URL: secret })).toThrow(
      "AWS_REGION: is not set",
    );
    expect(() => loadEnv({ ...stack, AWS_REGION: "EU (Ireland)", SLACK_WEBHOOK_URL: secret })).toThrow(
      "AWS_REGION",
    );
  });

  it("accepts the package's verifyEnv", () => {
    expect(() => loadEnv(pkg.lambda.verifyEnv)).not.toThrow();
  });
});
