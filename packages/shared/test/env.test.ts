import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { EnvError, parseEnv, splitList } from "../src/env.js";

// zod/mini, as the functions use it: this file loads no classic zod, which would register English globally.
const Schema = z.object({
  BUCKET_NAME: z.string().check(z.minLength(1)),
  MAX: z.coerce.number().check(z.int(), z.positive()),
});

describe("parseEnv", () => {
  it("returns the parsed environment", () => {
    expect(parseEnv("fn", Schema, { BUCKET_NAME: "b", MAX: "3" })).toEqual({ BUCKET_NAME: "b", MAX: 3 });
  });

  it("names every bad variable and never echoes a value", () => {
    const act = () => parseEnv("upload", Schema, { MAX: "-1-secret" });
    expect(act).toThrow(EnvError);
    expect(act).toThrow(/upload: invalid environment: BUCKET_NAME: is not set; MAX: /);
    expect(act).not.toThrow(/secret/);
  });

  it("words zod's own issues in English, though zod/mini registers no locale", () => {
    expect(() => parseEnv("fn", Schema, { BUCKET_NAME: "b", MAX: "1.5" })).toThrow(
      "fn: invalid environment: MAX: Invalid input: expected int, received number",
    );
    expect(() => parseEnv("fn", Schema, { BUCKET_NAME: "", MAX: "0" })).toThrow(
      "fn: invalid environment: BUCKET_NAME: Too small: expected string to have >=1 characters; MAX: Too small: expected number to be >0",
    );
  });

  it("keeps a refinement's own message for a variable that is not set", () => {
    const Either = z
      .object({ URL: z.optional(z.string()), HOST: z.optional(z.string()) })
      .check(z.refine((e) => Boolean(e.URL || e.HOST), { message: "set URL, or HOST", path: ["URL"] }));
    expect(() => parseEnv("fn", Either, {})).toThrow("fn: invalid environment: URL: set URL, or HOST");
  });

  it("splits list variables", () => {
    expect(splitList(" a, b,,c ")).toEqual(["a", "b", "c"]);
  });
});
