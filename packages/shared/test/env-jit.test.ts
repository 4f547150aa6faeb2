import { describe, expect, it } from "vitest";
// Classic zod, the one that compiles: in a file of its own, since its first schema registers English as the
// global locale, which would hide a zod/mini message left without one in env.test.ts.
import * as z from "zod";
import { parseEnv } from "../src/env.js";

describe("parseEnv with a classic zod schema", () => {
  it("compiles no parser for the one parse a cold start makes (zod's JIT would)", () => {
    // zod compiles an object's fast path with the Function constructor on its first parse: count those.
    const fresh = () => z.object({ BUCKET_NAME: z.string().min(1) });
    fresh(); // zod's first object probes once whether eval is allowed (new Function("")): not a compile
    const Original = globalThis.Function;
    let compiled = 0;
    globalThis.Function = new Proxy(Original, {
      construct(target, args) {
        compiled += 1;
        return Reflect.construct(target, args);
      },
    });
    try {
      expect(parseEnv("fn", fresh(), { BUCKET_NAME: "b" })).toEqual({ BUCKET_NAME: "b" });
      expect(compiled).toBe(0);
      fresh().parse({ BUCKET_NAME: "b" }); // the counter sees a JIT compile when there is one
      expect(compiled).toBeGreaterThan(0);
    } finally {
      globalThis.Function = Original;
    }
  });
});
