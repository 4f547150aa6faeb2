import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { rawStackConfig } from "./harness.js";

/** Pulumi hands the program its config as strings: objects and arrays JSON-encoded. */
const asPulumiConfig = (raw: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));

const resolve = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((done) => output.apply(done));

describe("loadConfig (through the Pulumi runtime's config)", () => {
  beforeEach(async () => {
    await pulumi.runtime.setMocks(
      { newResource: () => ({ id: "x", state: {} }), call: () => ({}) },
      "lambda-lab",
      "prod",
    );
  });

  it("validates the stack's config and hands the secrets over only as Pulumi secrets", async () => {
    const secrets = {
      "lambda-lab:slackWebhookUrl": "https://hooks.slack.com/services/T/B/abc",
      "lambda-lab:uploadAuthToken": "a-token-secret-that-is-long-enough-0123",
    };
    pulumi.runtime.setAllConfig(
      asPulumiConfig({ ...rawStackConfig("prod"), ...secrets }),
      Object.keys(secrets),
    );
    const { config, secrets: loaded } = loadConfig();

    expect(config.stack).toBe("prod");
    expect(config.functions.transform.reservedConcurrency).toBe(100);
    expect(config.logRetentionDays).toBe(90);
    expect(config.alerts.slackWebhookUrl).toBeUndefined();
    expect(config.upload.authToken).toBeUndefined();
    expect(await pulumi.isSecret(loaded.slackWebhookUrl)).toBe(true);
    expect(await resolve(loaded.slackWebhookUrl)).toBe(secrets["lambda-lab:slackWebhookUrl"]);
    expect(loaded.uploadAuthToken && (await pulumi.isSecret(loaded.uploadAuthToken))).toBe(true);
  });

  it("fails before any resource with a message naming the stack and the key", () => {
    pulumi.runtime.setAllConfig(
      asPulumiConfig({ ...rawStackConfig("prod"), "lambda-lab:alertsReservedConcurrency": -1 }),
      [],
    );
    expect(() => loadConfig()).toThrow(/stack "prod"[\s\S]*lambda-lab:alertsReservedConcurrency/);
  });

  it("fails when a deploy secret is missing, naming the command that sets it", () => {
    pulumi.runtime.setAllConfig(asPulumiConfig(rawStackConfig("prod")), []);
    expect(() => loadConfig()).toThrow(/pulumi config set --secret lambda-lab:slackWebhookUrl/);
  });
});
