import { EnvError } from "@lambda-lab/shared";
import { describe, expect, it } from "vitest";
import { loadEnv } from "../../src/env.js";
import { STACK_SET_ENV } from "../support/stack-env.js";

const BASE = {
  BUCKET_NAME: "lab-images",
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "secret",
  ...STACK_SET_ENV,
};
const SECRET = "a-token-secret-that-is-32-chars!!";

const problemsOf = (source: Record<string, string | undefined>): string => {
  try {
    loadEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.message;
    throw error;
  }
  throw new Error("expected loadEnv to fail");
};

describe("loadEnv", () => {
  it("reads what the stack sets, defaulting only AWS_REGION (Lambda sets it; a test may not)", () => {
    const env = loadEnv(BASE);

    expect(env).toEqual({
      BUCKET_NAME: "lab-images",
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_REGION: "us-east-1",
      ALLOWED_CONTENT_TYPES: ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"],
      MAX_UPLOAD_BYTES: 20 * 1024 * 1024,
      UPLOAD_URL_TTL_SECONDS: 300,
      AUTH_MODE: "none",
      CORS_ALLOWED_ORIGINS: [],
    });
  });

  it("reads every variable when set", () => {
    const env = loadEnv({
      ...BASE,
      S3_ENDPOINT: "http://127.0.0.1:4569/",
      AWS_REGION: "eu-west-1",
      AWS_SESSION_TOKEN: "session",
      ALLOWED_CONTENT_TYPES: " image/PNG , image/webp,image/png",
      MAX_UPLOAD_BYTES: "1048576",
      UPLOAD_URL_TTL_SECONDS: "60",
      AUTH_MODE: "token",
      AUTH_TOKEN_SECRET: SECRET,
      CORS_ALLOWED_ORIGINS: "https://app.example.com, http://localhost:5173",
    });

    expect(env).toMatchObject({
      S3_ENDPOINT: "http://127.0.0.1:4569",
      AWS_REGION: "eu-west-1",
      AWS_SESSION_TOKEN: "session",
      ALLOWED_CONTENT_TYPES: ["image/png", "image/webp"],
      MAX_UPLOAD_BYTES: 1_048_576,
      UPLOAD_URL_TTL_SECONDS: 60,
      AUTH_MODE: "token",
      AUTH_TOKEN_SECRET: SECRET,
      CORS_ALLOWED_ORIGINS: ["https://app.example.com", "http://localhost:5173"],
    });
  });

  it("treats an empty optional as unset, and an empty origin list as no origins", () => {
    const env = loadEnv({ ...BASE, S3_ENDPOINT: "", CORS_ALLOWED_ORIGINS: "" });

    expect(env.S3_ENDPOINT).toBeUndefined();
    expect(env.CORS_ALLOWED_ORIGINS).toEqual([]);
  });

  it("requires every setting the stack always sets: a lost one fails at init instead of a silent default", () => {
    // AUTH_MODE above all: defaulting it to "none" would switch token checks off (fail open).
    for (const name of ["ALLOWED_CONTENT_TYPES", "MAX_UPLOAD_BYTES", "UPLOAD_URL_TTL_SECONDS", "AUTH_MODE"]) {
      expect(problemsOf({ ...BASE, [name]: undefined }), name).toContain(`${name}: is not set`);
      expect(problemsOf({ ...BASE, [name]: "" }), `${name}=""`).toMatch(new RegExp(`environment: ${name}: `));
    }
    expect(problemsOf({ ...BASE, CORS_ALLOWED_ORIGINS: undefined })).toContain(
      "CORS_ALLOWED_ORIGINS: is not set",
    );
  });

  it.each([
    [{ BUCKET_NAME: undefined }, "BUCKET_NAME: is not set"],
    [{ AWS_SECRET_ACCESS_KEY: undefined }, "AWS_SECRET_ACCESS_KEY: is not set"],
    [{ S3_ENDPOINT: "localhost:4569" }, "S3_ENDPOINT"],
    [{ ALLOWED_CONTENT_TYPES: "image/jpeg,image/heic" }, "ALLOWED_CONTENT_TYPES: unsupported image/heic"],
    [{ MAX_UPLOAD_BYTES: "0" }, "MAX_UPLOAD_BYTES"],
    [{ MAX_UPLOAD_BYTES: "lots" }, "MAX_UPLOAD_BYTES"],
    [{ UPLOAD_URL_TTL_SECONDS: "301" }, "UPLOAD_URL_TTL_SECONDS"],
    [{ UPLOAD_URL_TTL_SECONDS: "0" }, "UPLOAD_URL_TTL_SECONDS"],
    [{ AUTH_MODE: "oauth" }, "AUTH_MODE"],
    [{ AUTH_MODE: "token" }, "AUTH_TOKEN_SECRET: is required when AUTH_MODE=token"],
    [
      { AUTH_MODE: "token", AUTH_TOKEN_SECRET: "too-short" },
      "AUTH_TOKEN_SECRET: must be at least 32 characters",
    ],
    [{ AUTH_MODE: "token" }, "or AUTH_TOKEN_PARAMETER naming an SSM SecureString"],
    [
      {
        AUTH_MODE: "token",
        AUTH_TOKEN_SECRET: SECRET,
        AUTH_TOKEN_PARAMETER: "/lambda-lab/prod/upload-auth-token",
      },
      "AUTH_TOKEN_SECRET: set AUTH_TOKEN_SECRET or AUTH_TOKEN_PARAMETER, not both",
    ],
    [{ AWS_ENDPOINT_URL_SSM: "localhost:4583" }, "AWS_ENDPOINT_URL_SSM: must be an http(s) URL"],
    [{ CORS_ALLOWED_ORIGINS: "https://app.example.com/" }, "CORS_ALLOWED_ORIGINS.0"],
  ])("fails at init naming the variable for %j", (override, expected) => {
    expect(problemsOf({ ...BASE, ...override })).toContain(expected);
  });

  it("takes the token secret's SSM parameter instead of the secret (the cloud's way)", () => {
    const env = loadEnv({
      ...BASE,
      AUTH_MODE: "token",
      AUTH_TOKEN_PARAMETER: "/lambda-lab/prod/upload-auth-token",
      AWS_ENDPOINT_URL_SSM: "http://127.0.0.1:4583/",
    });

    expect(env).toMatchObject({
      AUTH_TOKEN_PARAMETER: "/lambda-lab/prod/upload-auth-token",
      AWS_ENDPOINT_URL_SSM: "http://127.0.0.1:4583",
    });
    expect(env.AUTH_TOKEN_SECRET).toBeUndefined();
  });

  it("never echoes a secret's value in its message", () => {
    expect(problemsOf({ ...BASE, AUTH_MODE: "token", AUTH_TOKEN_SECRET: "hunter2-secret" })).not.toContain(
      "hunter2",
    );
  });
});
