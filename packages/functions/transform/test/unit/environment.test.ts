import { describe, expect, it } from "vitest";
import { TransformEnv } from "../../src/env.js";
import { toEnvironment } from "../../src/environment.js";

const settings = {
  bucketName: "lambda-lab-prod-images",
  variants: [
    { name: "thumb", width: 200 },
    { name: "hero", width: 2400 },
  ],
  outputFormats: ["avif", "webp"] as const,
  maxInputBytes: 10 * 1024 * 1024,
  maxInputPixels: 25_000_000,
  animation: "first-frame" as const,
};

describe("toEnvironment", () => {
  it("builds an environment the env schema reads back to the same settings", () => {
    const env = TransformEnv.parse(toEnvironment(settings));

    expect(env).toMatchObject({
      BUCKET_NAME: settings.bucketName,
      VARIANTS: settings.variants,
      OUTPUT_FORMATS: settings.outputFormats,
      MAX_INPUT_BYTES: settings.maxInputBytes,
      MAX_INPUT_PIXELS: settings.maxInputPixels,
      ANIMATION: settings.animation,
    });
    expect(env.S3_ENDPOINT).toBeUndefined();
  });

  it("adds the lab's S3 server", () => {
    const env = TransformEnv.parse(toEnvironment({ ...settings, s3Endpoint: "http://127.0.0.1:4569" }));

    expect(env.S3_ENDPOINT).toBe("http://127.0.0.1:4569");
  });

  it("writes VARIANTS as the JSON the schema reads, whatever else a variant object carries", () => {
    const variants = [{ name: "thumb", width: 200, label: "extra" }];

    expect(toEnvironment({ ...settings, variants }).VARIANTS).toBe('[{"name":"thumb","width":200}]');
  });
});
