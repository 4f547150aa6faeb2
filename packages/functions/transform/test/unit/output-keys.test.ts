import { isTriggerKey, OUTPUT_PREFIXES } from "@lambda-lab/shared";
import { makeS3Event } from "@lambda-lab/testing/s3";
import { describe, expect, it } from "vitest";
import { makeHandler } from "../../src/handler.js";
import { fixture, makePngBomb, testConfig } from "../support/images.js";
import { createRecordingLog } from "../support/log.js";
import { createRecordingStore } from "../support/stores.js";

/** Every kind of input, good and bad, so every kind of output key gets written. */
const UPLOADS: [string, Buffer | string][] = [
  ["uploads/2026/11/25/01KAXQ7Z3C8M5T0R6W9Y2B4N1D.jpg", fixture("Landscape_5.jpg")],
  ["uploads/animated.gif", fixture("animated-loop-3.gif")],
  ["uploads/여름 휴가/a+b 100%.webp", fixture("4.webp")],
  ["uploads/bad/check.svg", fixture("check.svg")],
  ["uploads/bad/corrupt.jpg", fixture("corrupt-header.jpg")],
  ["uploads/bad/bomb.png", makePngBomb()],
  ["uploads/bad/empty.jpg", ""],
];

describe("keys the transform writes", () => {
  it("are all outside uploads/, so its own writes can never trigger it", async () => {
    // Prepare
    const store = createRecordingStore();
    const handler = makeHandler(
      { store, bucket: "lab-images", log: createRecordingLog() },
      testConfig({ formats: ["webp", "jpeg", "avif"] }),
    );
    for (const [key, body] of UPLOADS) store.seed(key, body);

    // Act
    await handler(makeS3Event(...UPLOADS.map(([key]) => ({ key }))));

    // Assess
    expect(store.putOrder.length).toBeGreaterThan(UPLOADS.length);
    for (const key of store.putOrder) {
      expect(isTriggerKey(key), key).toBe(false);
      expect(
        OUTPUT_PREFIXES.some((prefix) => key.startsWith(prefix)),
        key,
      ).toBe(true);
    }
  });

  it("are skipped without a read even if a misconfigured trigger delivered them", async () => {
    // Prepare: a first pass writes variants, manifests and markers
    const store = createRecordingStore();
    const handler = makeHandler({ store, bucket: "lab-images", log: createRecordingLog() }, testConfig());
    for (const [key, body] of UPLOADS) store.seed(key, body);
    await handler(makeS3Event(...UPLOADS.map(([key]) => ({ key }))));
    const written = [...store.putOrder];
    const calls = { ...store.calls };

    // Act: events for the function's own outputs
    const response = await handler(makeS3Event(...written.map((key) => ({ key }))));

    // Assess
    expect(response.results.map((r) => r.status)).toEqual(written.map(() => "skipped"));
    expect(store.calls).toEqual(calls);
  });
});
