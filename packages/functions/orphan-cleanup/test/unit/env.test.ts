import { EnvError } from "@lambda-lab/shared";
import { describe, expect, it } from "vitest";
import packageJson from "../../package.json" with { type: "json" };
import { loadEnv } from "../../src/env.js";

const base = {
  BUCKET_NAME: "lab-images",
  DATABASE_URL: "postgres://u:p@127.0.0.1:5432/lab",
  STATE_DIR: "/mnt/lab",
  // What the stack always sets.
  GRACE_PERIOD_HOURS: "24",
  MAX_DELETES: "1000",
  DRY_RUN: "false",
  TIME_ZONE: "Asia/Seoul",
};

describe("environment", () => {
  it("reads the stack's settings and applies the defaults of what the stack does not set", () => {
    expect(loadEnv(base)).toMatchObject({
      GRACE_PERIOD_HOURS: 24,
      MAX_DELETES: 1000,
      DRY_RUN: false,
      TIME_SAFETY_MARGIN_MS: 60_000,
      TIME_ZONE: "Asia/Seoul",
      PROGRESS_EVERY_PAGES: 10,
    });
  });

  it.each(["GRACE_PERIOD_HOURS", "MAX_DELETES", "DRY_RUN", "TIME_ZONE"] as const)(
    "requires %s, which the stack always sets, instead of guessing a default",
    (name) => {
      expect(() => loadEnv({ ...base, [name]: undefined })).toThrow(`${name}: is not set`);
    },
  );

  it.each([
    ["GRACE_PERIOD_HOURS", ""],
    ["MAX_DELETES", " "],
    ["MAX_DELETES", "1e3"],
  ])("refuses %s=%j rather than reading it as a number", (name, value) => {
    expect(() => loadEnv({ ...base, [name]: value })).toThrow(`${name}: must be a whole number`);
  });

  it("refuses an S3_ENDPOINT that is not an http(s) URL", () => {
    expect(() => loadEnv({ ...base, S3_ENDPOINT: "s3://lab-images" })).toThrow(
      /S3_ENDPOINT: must be an http\(s\) URL/,
    );
  });

  it("parses DRY_RUN as a boolean word, not as any non-empty string", () => {
    expect(loadEnv({ ...base, DRY_RUN: "false" }).DRY_RUN).toBe(false);
    expect(loadEnv({ ...base, DRY_RUN: "true" }).DRY_RUN).toBe(true);
  });

  it("names every bad variable", () => {
    const error = (() => {
      try {
        loadEnv({
          ...base,
          STATE_DIR: "state",
          TIME_ZONE: "Mars/Olympus",
          MAX_DELETES: "-1",
          DRY_RUN: "perhaps",
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EnvError);
    const message = (error as Error).message;
    for (const name of ["STATE_DIR", "TIME_ZONE", "MAX_DELETES", "DRY_RUN"]) expect(message).toContain(name);
  });

  it("says which variable is missing", () => {
    const { BUCKET_NAME: _omitted, ...rest } = base;
    expect(() => loadEnv(rest)).toThrow(/BUCKET_NAME: is not set/);
  });

  it("accepts the package's verifyEnv (what the artifact verifier imports the bundle with)", () => {
    expect(() => loadEnv(packageJson.lambda.verifyEnv)).not.toThrow();
  });
});
