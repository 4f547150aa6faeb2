import { describe, expect, it } from "vitest";
import { UploadEnv } from "../../src/env.js";
import { toEnvironment, type UploadSettings } from "../../src/environment.js";

/** What Lambda itself puts in every environment (the program never sets these). */
const lambda = { AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "ASIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" };

const settings: Omit<UploadSettings, "auth"> = {
  bucketName: "lambda-lab-prod-images",
  allowedContentTypes: ["image/jpeg", "image/webp"],
  maxUploadBytes: 5 * 1024 * 1024,
  urlTtlSeconds: 120,
  corsAllowedOrigins: ["https://app.example.com", "http://localhost:5173"],
};

describe("toEnvironment", () => {
  it("builds the cloud's environment (token secret in SSM) that the env schema reads back", () => {
    const env = UploadEnv.parse({
      ...lambda,
      ...toEnvironment({
        ...settings,
        auth: { mode: "token", secretParameter: "/lambda-lab/prod/upload-auth-token" },
      }),
    });

    expect(env).toMatchObject({
      BUCKET_NAME: settings.bucketName,
      ALLOWED_CONTENT_TYPES: settings.allowedContentTypes,
      MAX_UPLOAD_BYTES: settings.maxUploadBytes,
      UPLOAD_URL_TTL_SECONDS: settings.urlTtlSeconds,
      AUTH_MODE: "token",
      AUTH_TOKEN_PARAMETER: "/lambda-lab/prod/upload-auth-token",
      CORS_ALLOWED_ORIGINS: settings.corsAllowedOrigins,
    });
    expect(env.AUTH_TOKEN_SECRET).toBeUndefined();
    expect(env.S3_ENDPOINT).toBeUndefined();
  });

  it("builds the lab's environment (the secret itself, local S3)", () => {
    const secret = "lab-token-secret-0123456789abcdef0123";

    const env = UploadEnv.parse({
      ...lambda,
      ...toEnvironment({ ...settings, s3Endpoint: "http://127.0.0.1:4569", auth: { mode: "token", secret } }),
    });

    expect(env).toMatchObject({
      S3_ENDPOINT: "http://127.0.0.1:4569",
      AUTH_MODE: "token",
      AUTH_TOKEN_SECRET: secret,
    });
    expect(env.AUTH_TOKEN_PARAMETER).toBeUndefined();
  });

  it("sets no token variable when tokens are off", () => {
    const environment = toEnvironment({ ...settings, auth: { mode: "none" } });

    expect(UploadEnv.parse({ ...lambda, ...environment }).AUTH_MODE).toBe("none");
    expect(Object.keys(environment).filter((name) => name.startsWith("AUTH_TOKEN"))).toEqual([]);
  });
});
