import { describe, expect, it } from "vitest";
import * as z from "zod";
import { EnvError, parseEnv, splitList } from "../src/env.js";

const Schema = z.object({ BUCKET_NAME: z.string().min(1), MAX: z.coerce.number().int().positive() });

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

  it("keeps a refinement's own message for a variable that is not set", () => {
    const Either = z
      .object({ URL: z.string().optional(), HOST: z.string().optional() })
      .refine((e) => e.URL || e.HOST, { message: "set URL, or HOST", path: ["URL"] });
    expect(() => parseEnv("fn", Either, {})).toThrow("fn: invalid environment: URL: set URL, or HOST");
  });

  it("splits list variables", () => {
    expect(splitList(" a, b,,c ")).toEqual(["a", "b", "c"]);
  });
});
