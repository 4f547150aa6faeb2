import { EventEmitter } from "node:events";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { createLabState, seedThrottles, totals } from "../../page/lib/state.js";
import { createThrottleLog } from "../../src/server/throttle-log.js";
import { backdateUpload } from "../../src/services/backdate-upload.js";
import { createMemoryS3Port } from "../../src/services/s3/memory.js";

const HOUR = 3_600_000;

/** An upload whose Last-Modified is `ageHours` before `now`, in the in-memory S3 port. */
const objectAged = async (ageHours: number, now: number) => {
  const s3 = createMemoryS3Port({ bucket: "bucket", now: () => new Date(now - ageHours * HOUR) });
  const key = "uploads/01ABC.jpg";
  await s3.client.send(new PutObjectCommand({ Bucket: "bucket", Key: key, Body: "jpeg" }));
  const lastModified = async () =>
    (await s3.client.send(new HeadObjectCommand({ Bucket: "bucket", Key: key }))).LastModified?.getTime();
  return { s3, key, lastModified };
};

describe("Make it N h old", () => {
  it("leaves a 72 h old upload 72 h old when asked for 3 h, and says so", async () => {
    const now = Date.UTC(2026, 0, 10, 12);
    const { s3, key, lastModified } = await objectAged(72, now);

    const result = await backdateUpload({ s3, key, hours: 3, now });

    expect(result.changed).toBe(false);
    expect(await lastModified()).toBe(now - 72 * HOUR);
    expect(result.message).toBe("already 72 h old (older than 3 h): left as is");
  });

  it("backdates a fresh upload to N h ago and says how old it was", async () => {
    const now = Date.UTC(2026, 0, 10, 12);
    const { s3, key, lastModified } = await objectAged(0.5, now);

    const result = await backdateUpload({ s3, key, hours: 25, now });

    expect(result.changed).toBe(true);
    expect(await lastModified()).toBe(now - 25 * HOUR);
    expect(result.lastModified).toBe(new Date(now - 25 * HOUR).toISOString());
    expect(result.message).toBe("now 25 h old (was 30 min)");
  });

  it("names the key when there is no such object", async () => {
    const { s3 } = await objectAged(1, Date.now());

    await expect(backdateUpload({ s3, key: "uploads/missing.jpg", hours: 3 })).rejects.toThrow(
      "no object uploads/missing.jpg in the lab's S3",
    );
  });
});

describe("throttles kept by the server", () => {
  it("counts each function's 429s with their times, for a page that loads later", () => {
    const events = new EventEmitter();
    const log = createThrottleLog(events);

    for (const at of [1_000, 2_000, 3_000]) events.emit("throttle", { functionId: "upload", at });
    events.emit("throttle", { functionId: "transform", at: 4_000 });

    expect(log.snapshot()).toEqual({
      upload: { count: 3, times: [1_000, 2_000, 3_000] },
      transform: { count: 1, times: [4_000] },
    });
  });

  it("a reloaded page shows the server's count, and a reconnect does not double it", () => {
    const state = createLabState();
    const now = Date.now();
    const summary = { count: 15, times: Array.from({ length: 15 }, (_, i) => now - i) };

    seedThrottles(state, "upload", summary, now);
    seedThrottles(state, "upload", summary, now);

    expect(totals(state).throttled).toBe(15);
    expect(state.functions.get("upload")?.throttleTimes).toHaveLength(15);
  });
});
