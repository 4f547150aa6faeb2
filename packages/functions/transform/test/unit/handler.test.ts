import { makeS3Event, makeS3TestEvent } from "@lambda-lab/testing/s3";
import { describe, expect, it } from "vitest";
import { TransientError } from "../../src/errors.js";
import { makeHandler } from "../../src/handler.js";
import { InvalidEventError } from "../../src/s3-event.js";
import { fixture, testConfig } from "../support/images.js";
import { createRecordingLog } from "../support/log.js";
import { createRecordingStore, sdkError } from "../support/stores.js";

const BUCKET = "lab-images";

const setup = () => {
  const store = createRecordingStore();
  const log = createRecordingLog();
  const handler = makeHandler({ store, bucket: BUCKET, log }, testConfig());
  const seed = (key: string, body: Buffer | string) => {
    store.seed(key, body);
    const object = store.objects.get(key)!;
    return { key, etag: object.etag.replace(/"/g, ""), size: object.size };
  };
  return { store, log, handler, seed };
};

describe("handler", () => {
  it("decodes each record's key and returns one result per record, in order", async () => {
    // Prepare
    const { handler, seed } = setup();
    const a = seed("uploads/summer trip/사진 1+2.jpg", fixture("Landscape_3.jpg"));
    const b = seed("uploads/notes.jpg", "just text");

    // Act
    const response = await handler(makeS3Event(a, b));

    // Assess
    expect(response.results).toEqual([
      expect.objectContaining({ status: "written", key: a.key, imageId: "summer trip/사진 1+2" }),
      expect.objectContaining({ status: "quarantined", key: b.key, reason: "unsupported-type" }),
    ]);
  });

  it("ignores s3:TestEvent without touching the bucket", async () => {
    const { store, handler } = setup();

    expect(await handler(makeS3TestEvent())).toEqual({ results: [] });
    expect(store.calls.head + store.calls.get + store.calls.put).toBe(0);
  });

  it("rejects a malformed event with a message naming the field", async () => {
    const { store, handler } = setup();

    await expect(
      handler({ Records: [{ eventSource: "aws:s3", eventName: "ObjectCreated:Put" }] }),
    ).rejects.toThrow(InvalidEventError);
    await expect(handler({ Records: [{ eventSource: "aws:s3", eventName: "x" }] })).rejects.toThrow(
      /at Records\[0\]\.s3/,
    );
    expect(store.calls.head).toBe(0);
  });

  it("skips records that are not object creations or are for another bucket", async () => {
    const { store, handler, seed } = setup();
    const upload = seed("uploads/a.jpg", fixture("Landscape_1.jpg"));

    const response = await handler(
      makeS3Event({ ...upload, eventName: "ObjectRemoved:Delete" }, { ...upload, bucket: "someone-elses" }),
    );

    expect(response.results).toEqual([
      { status: "skipped", key: "uploads/a.jpg", reason: "not-object-created" },
      { status: "skipped", key: "uploads/a.jpg", reason: "other-bucket" },
    ]);
    expect(store.calls.put).toBe(0);
  });

  it("finishes the other records, then throws when S3 fails transiently; the retry only redoes what failed", async () => {
    // Prepare
    const { store, log, handler, seed } = setup();
    const a = seed("uploads/a.jpg", fixture("Landscape_1.jpg"));
    const b = seed("uploads/b.jpg", fixture("Landscape_2.jpg"));
    const event = makeS3Event(a, b);
    store.failOn("get", sdkError("SlowDown", 503), (key) => key === a.key);

    // Act
    const failed = handler(event).catch((error: unknown) => error);

    // Assess
    expect(await failed).toBeInstanceOf(TransientError);
    expect(store.objects.has("variants/b/manifest.json")).toBe(true);
    expect(log.lines.some((l) => l.level === "error" && l.extra[0]?.key === a.key)).toBe(true);

    // Act: Lambda retries the same event once S3 recovers
    store.recover();
    const retried = await handler(event);

    // Assess
    expect(retried.results.map((r) => r.status)).toEqual(["written", "skipped"]);
  });
});
