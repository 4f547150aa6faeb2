import { EnvError } from "@lambda-lab/shared";
import { describe, expect, it } from "vitest";
import { DEFAULT_VARIANTS, loadEnv, sharpSettingsOf } from "../../src/env.js";

const base = { BUCKET_NAME: "lab-images" };

const problemsOf = (source: Record<string, string | undefined>): string => {
  try {
    loadEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as EnvError).message;
  }
  throw new Error("expected loadEnv to throw");
};

describe("loadEnv", () => {
  it("applies the documented defaults", () => {
    // Act
    const env = loadEnv(base);

    // Assess
    expect(env).toMatchObject({
      BUCKET_NAME: "lab-images",
      VARIANTS: DEFAULT_VARIANTS,
      OUTPUT_FORMATS: ["webp", "jpeg"],
      MAX_INPUT_BYTES: 50 * 1024 * 1024,
      MAX_INPUT_PIXELS: 100_000_000,
      ANIMATION: "keep",
      SHARP_CACHE_MEMORY_MB: 50,
    });
    expect(env.S3_ENDPOINT).toBeUndefined();
    expect(env.SHARP_CONCURRENCY).toBeUndefined();
  });

  it("treats empty strings as unset", () => {
    const env = loadEnv({ ...base, VARIANTS: "", OUTPUT_FORMATS: "", S3_ENDPOINT: "", ANIMATION: "" });

    expect(env.VARIANTS).toEqual(DEFAULT_VARIANTS);
    expect(env.OUTPUT_FORMATS).toEqual(["webp", "jpeg"]);
    expect(env.S3_ENDPOINT).toBeUndefined();
    expect(env.ANIMATION).toBe("keep");
  });

  it("reads VARIANTS as JSON and OUTPUT_FORMATS as a de-duplicated list", () => {
    const env = loadEnv({
      ...base,
      VARIANTS: '[{"name":"tiny","width":64},{"name":"hero","width":2400}]',
      OUTPUT_FORMATS: " AVIF, webp ,avif",
      MAX_INPUT_PIXELS: "25000000",
      ANIMATION: "first-frame",
      S3_ENDPOINT: "http://127.0.0.1:4569",
    });

    expect(env.VARIANTS).toEqual([
      { name: "tiny", width: 64 },
      { name: "hero", width: 2400 },
    ]);
    expect(env.OUTPUT_FORMATS).toEqual(["avif", "webp"]);
    expect(env.MAX_INPUT_PIXELS).toBe(25_000_000);
    expect(env.ANIMATION).toBe("first-frame");
  });

  it("names a missing BUCKET_NAME", () => {
    expect(problemsOf({})).toContain("BUCKET_NAME: is not set");
  });

  it("explains VARIANTS that are not JSON", () => {
    expect(problemsOf({ ...base, VARIANTS: "thumb=200" })).toMatch(/VARIANTS: must be JSON/);
  });

  it("refuses variant names that cannot be a key segment and duplicate names", () => {
    expect(problemsOf({ ...base, VARIANTS: '[{"name":"Big Thumb","width":200}]' })).toMatch(
      /VARIANTS: 0\.name: must be 1-32 of a-z/,
    );
    expect(problemsOf({ ...base, VARIANTS: '[{"name":"a","width":200},{"name":"a","width":400}]' })).toMatch(
      /variant names must be unique/,
    );
  });

  it("names the unsupported output format", () => {
    expect(problemsOf({ ...base, OUTPUT_FORMATS: "webp,gif" })).toMatch(
      /OUTPUT_FORMATS: unsupported gif; use a comma-separated subset of webp, jpeg, avif/,
    );
  });

  it("refuses an unknown ANIMATION mode and a non-numeric limit", () => {
    const message = problemsOf({ ...base, ANIMATION: "loop", MAX_INPUT_BYTES: "lots" });

    expect(message).toMatch(/ANIMATION:/);
    expect(message).toMatch(/MAX_INPUT_BYTES:/);
  });
});

describe("sharpSettingsOf", () => {
  it.each([
    ["1024", 1],
    ["1769", 1],
    ["3008", 2],
    ["5307", 3],
    ["10240", 6],
  ])("gives a %s MB function %i libvips thread(s), one per granted vCPU", (memory, threads) => {
    const env = loadEnv({ ...base, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory });

    expect(sharpSettingsOf(env).concurrency).toBe(threads);
  });

  it("lets SHARP_CONCURRENCY override the derived value", () => {
    const env = loadEnv({ ...base, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "10240", SHARP_CONCURRENCY: "2" });

    expect(sharpSettingsOf(env)).toEqual({ concurrency: 2, cacheMemoryMb: 50 });
  });

  it("leaves sharp's default outside Lambda", () => {
    expect(sharpSettingsOf(loadEnv(base)).concurrency).toBeUndefined();
  });
});
