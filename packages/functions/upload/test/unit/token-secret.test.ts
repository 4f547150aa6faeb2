import { SecretReadError as ParameterReadError } from "@lambda-lab/shared";
import { describe, expect, it } from "vitest";
import { loadEnv } from "../../src/env.js";
import { withTokenSecret } from "../../src/token-secret.js";
import { STACK_SET_ENV } from "../support/stack-env.js";

const BASE = {
  ...STACK_SET_ENV,
  BUCKET_NAME: "lab-images",
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "secret",
};
const SECRET = "a-token-secret-that-is-32-chars!!";
const NAME = "/lambda-lab/prod/upload-auth-token";

/** An in-memory SSM: records the names it was asked for. */
const parameters = (values: Record<string, string>) => {
  const asked: string[] = [];
  const read = async (name: string) => {
    asked.push(name);
    const value = values[name];
    if (value === undefined) throw new ParameterReadError(`could not read SSM parameter ${name}`);
    return value;
  };
  return { asked, read };
};

describe("withTokenSecret", () => {
  it("reads the secret from the SSM parameter the environment names", async () => {
    const ssm = parameters({ [NAME]: SECRET });

    const env = await withTokenSecret(
      loadEnv({ ...BASE, AUTH_MODE: "token", AUTH_TOKEN_PARAMETER: NAME }),
      ssm.read,
    );

    expect(env.AUTH_TOKEN_SECRET).toBe(SECRET);
    expect(ssm.asked).toEqual([NAME]);
  });

  it.each([
    ["a secret given directly (the lab)", { AUTH_MODE: "token", AUTH_TOKEN_SECRET: SECRET }],
    ["auth off", { AUTH_MODE: "none", AUTH_TOKEN_PARAMETER: NAME }],
  ])("reads nothing with %s", async (_, settings) => {
    const ssm = parameters({});
    const env = loadEnv({ ...BASE, ...settings });

    expect(await withTokenSecret(env, ssm.read)).toBe(env);
    expect(ssm.asked).toEqual([]);
  });

  it("refuses a short secret without echoing it", async () => {
    const ssm = parameters({ [NAME]: "short-SECRET" });

    const error = (await withTokenSecret(
      loadEnv({ ...BASE, AUTH_MODE: "token", AUTH_TOKEN_PARAMETER: NAME }),
      ssm.read,
    ).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(ParameterReadError);
    expect(error.message).toBe(`SSM parameter ${NAME} holds a token secret shorter than 32 characters`);
    expect(error.message).not.toContain("SECRET");
  });
});
