/**
 * The rules the catalog is held to, on entries that break them: each rule must be able to fail.
 */
import { describe, expect, it, vi } from "vitest";

const withTransformTrigger = async (triggers: unknown[], writes?: string[]) => {
  vi.resetModules();
  vi.doMock("../src/functions.js", async (original) => {
    const real = (await original()) as typeof import("../src/functions.js");
    const transform = real.FUNCTIONS.transform;
    return {
      ...real,
      FUNCTIONS: {
        ...real.FUNCTIONS,
        transform: {
          ...transform,
          triggers,
          s3: writes
            ? { ...transform.s3, objects: [{ actions: ["s3:PutObject"], keys: writes, why: "test" }] }
            : transform.s3,
        },
        // A second S3-triggered function (one that writes nothing), as in the docs' `.mp4` scenario.
        alerts: {
          ...real.FUNCTIONS.alerts,
          triggers: [
            { kind: "s3", prefix: "uploads/", suffixes: [".mp4"], events: ["s3:ObjectCreated:Put"] },
          ],
        },
      },
    };
  });
  const rules = await import("../src/rules.js");
  vi.doUnmock("../src/functions.js");
  return rules;
};

describe("S3's overlapping-filter rule", () => {
  it("refuses an unfiltered uploads/ trigger beside a .mp4 one on the same prefix and event family", async () => {
    const rules = await withTransformTrigger([
      { kind: "s3", prefix: "uploads/", suffixes: [], events: ["s3:ObjectCreated:*"] },
    ]);
    expect(rules.s3TriggerOverlaps()).toEqual([
      "transform (uploads/*) and alerts (uploads/*.mp4) overlap: S3 refuses the bucket's notification configuration",
    ]);
  });

  it("accepts them once the image trigger names its suffixes", async () => {
    const rules = await withTransformTrigger([
      { kind: "s3", prefix: "uploads/", suffixes: [".jpg", ".png"], events: ["s3:ObjectCreated:*"] },
    ]);
    expect(rules.s3TriggerOverlaps()).toEqual([]);
  });
});

describe("the recursion guard", () => {
  it("flags a function that writes under its own trigger's prefix", async () => {
    const rules = await withTransformTrigger(
      [{ kind: "s3", prefix: "uploads/", suffixes: [], events: ["s3:ObjectCreated:*"] }],
      ["uploads/derived/*"],
    );
    expect(rules.recursiveTriggers()).toEqual([
      "transform writes uploads/derived/* and is triggered by S3 events under uploads/",
    ]);
  });
});
