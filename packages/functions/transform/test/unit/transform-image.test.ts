import { QuarantineMarker, VariantManifest } from "@lambda-lab/shared";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { TransientError } from "../../src/errors.js";
import {
  SOURCE_ETAG_METADATA,
  type TransformResult,
  transformImage,
  VARIANT_CACHE_CONTROL,
} from "../../src/transform-image.js";
import { fixture, makePngBomb, testConfig } from "../support/images.js";
import { createRecordingStore, sdkError } from "../support/stores.js";

const NOW = new Date("2026-11-25T10:00:00.000Z");
const KEY = "uploads/2026/11/25/01KAXQ7Z3C8M5T0R6W9Y2B4N1D.jpg";
const ID = "2026/11/25/01KAXQ7Z3C8M5T0R6W9Y2B4N1D";

const setup = (body: Buffer | string = fixture("Landscape_6.jpg"), key = KEY) => {
  const store = createRecordingStore();
  store.seed(key, body, { contentType: "image/jpeg" });
  const etag = store.objects.get(key)!.etag.replace(/"/g, "");
  const run = (config = testConfig(), eventEtag: string | undefined = etag) =>
    transformImage({ key, etag: eventEtag }, { store, now: () => NOW }, config);
  return { store, etag, run };
};

const readJson = (store: ReturnType<typeof createRecordingStore>, key: string): unknown =>
  JSON.parse(store.objects.get(key)!.body.toString("utf8"));

const quarantined = (result: TransformResult) => {
  if (result.status !== "quarantined") throw new Error(`expected quarantined, got ${JSON.stringify(result)}`);
  return result;
};

describe("transformImage: writing variants", () => {
  it("writes every variant in every format, then the manifest", async () => {
    // Prepare
    const { store, etag, run } = setup();

    // Act
    const result = await run();

    // Assess
    const variantKeys = ["thumb", "medium", "large"].flatMap((n) => [
      `variants/${ID}/${n}.webp`,
      `variants/${ID}/${n}.jpg`,
    ]);
    expect(result).toEqual({
      status: "written",
      key: KEY,
      imageId: ID,
      sourceEtag: etag,
      manifestKey: `variants/${ID}/manifest.json`,
      variantKeys,
    });
    expect(new Set(store.putOrder.slice(0, -1))).toEqual(new Set(variantKeys));
    expect(store.putOrder.at(-1)).toBe(`variants/${ID}/manifest.json`);
  });

  it("describes each variant in a manifest that matches the shared schema", async () => {
    const { store, etag, run } = setup();

    await run();

    const manifest = VariantManifest.parse(readJson(store, `variants/${ID}/manifest.json`));
    expect(manifest).toMatchObject({
      version: 1,
      imageId: ID,
      sourceKey: KEY,
      sourceEtag: etag,
      sourceFormat: "jpeg",
      width: 600,
      height: 450,
      animated: false,
      createdAt: NOW.toISOString(),
    });
    expect(manifest.variants[0]).toEqual({
      name: "thumb",
      format: "webp",
      key: `variants/${ID}/thumb.webp`,
      contentType: "image/webp",
      width: 200,
      height: 150,
      bytes: store.objects.get(`variants/${ID}/thumb.webp`)!.size,
    });
    expect(store.objects.get(`variants/${ID}/manifest.json`)!.metadata).toEqual({
      [SOURCE_ETAG_METADATA]: etag,
    });
  });

  it("stores each variant with its Content-Type, immutable caching and width/height/source ETag metadata", async () => {
    const { store, etag, run } = setup();

    await run();

    const thumb = store.objects.get(`variants/${ID}/thumb.jpg`)!;
    expect(thumb.contentType).toBe("image/jpeg");
    expect(thumb.metadata).toEqual({ width: "200", height: "150", [SOURCE_ETAG_METADATA]: etag });
    expect(VARIANT_CACHE_CONTROL).toBe("public, max-age=31536000, immutable");
    const meta = await sharp(thumb.body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 200, 150]);
  });

  it("derives ids and variant keys from keys with spaces, '+', '%' and Korean", async () => {
    const key = "uploads/여름 휴가/a+b 100%.jpg";
    const { store, run } = setup(fixture("Landscape_1.jpg"), key);

    const result = await run();

    expect(result).toMatchObject({ status: "written", imageId: "여름 휴가/a+b 100%" });
    expect(store.objects.has("variants/여름 휴가/a+b 100%/thumb.webp")).toBe(true);
    expect(store.objects.has("variants/여름 휴가/a+b 100%/manifest.json")).toBe(true);
  });

  it("processes a PNG that was named .jpg: the bytes decide, not the key", async () => {
    const { store, run } = setup(fixture("16-bit-grey-alpha.png"));

    await run();

    expect(VariantManifest.parse(readJson(store, `variants/${ID}/manifest.json`)).sourceFormat).toBe("png");
  });
});

describe("transformImage: idempotency", () => {
  it("skips a duplicate event from HEAD requests alone, without downloading anything", async () => {
    // Prepare
    const { store, etag, run } = setup();
    await run();
    const before = new Map([...store.objects].map(([k, o]) => [k, o.etag]));
    const gets = store.calls.get;
    const puts = store.calls.put;

    // Act
    const result = await run(testConfig(), `"${etag}"`);

    // Assess
    expect(result).toEqual({
      status: "skipped",
      key: KEY,
      imageId: ID,
      sourceEtag: etag,
      reason: "already-transformed",
    });
    expect(store.calls.get).toBe(gets);
    expect(store.calls.put).toBe(puts);
    expect(new Map([...store.objects].map(([k, o]) => [k, o.etag]))).toEqual(before);
  });

  it("skips a late event for an older version when the current one is already transformed", async () => {
    const { store, run } = setup();
    await run();
    const gets = store.calls.get;

    const result = await run(testConfig(), "an-older-etag");

    expect(result).toMatchObject({ status: "skipped", reason: "already-transformed" });
    expect(store.calls.get).toBe(gets);
  });

  it("replaces the variants when a newer version arrives", async () => {
    // Prepare
    const { store, run } = setup(fixture("Landscape_1.jpg"));
    await run();
    const oldThumb = store.objects.get(`variants/${ID}/thumb.webp`)!.body;
    store.seed(KEY, fixture("4.webp"));
    const newEtag = store.objects.get(KEY)!.etag.replace(/"/g, "");

    // Act
    const result = await run(testConfig(), newEtag);

    // Assess
    expect(result).toMatchObject({ status: "written", sourceEtag: newEtag });
    const manifest = VariantManifest.parse(readJson(store, `variants/${ID}/manifest.json`));
    expect([manifest.sourceEtag, manifest.sourceFormat, manifest.width]).toEqual([newEtag, "webp", 1024]);
    const newThumb = store.objects.get(`variants/${ID}/thumb.webp`)!;
    expect(newThumb.body.equals(oldThumb)).toBe(false);
    expect(newThumb.metadata[SOURCE_ETAG_METADATA]).toBe(newEtag);
  });

  it("skips a duplicate of a quarantined version", async () => {
    const { store, run } = setup("not an image");
    await run();
    const puts = store.calls.put;

    const result = await run();

    expect(result).toMatchObject({ status: "skipped", reason: "already-quarantined" });
    expect(store.calls.put).toBe(puts);
  });

  it("clears the quarantine marker when a good version replaces a bad one", async () => {
    const { store, run } = setup("not an image");
    await run();
    store.seed(KEY, fixture("Landscape_1.jpg"));

    const result = await run(testConfig(), store.objects.get(KEY)!.etag);

    expect(result.status).toBe("written");
    expect(store.objects.has(`quarantine/${ID}.json`)).toBe(false);
  });

  it("removes the previous version's manifest and variants when a bad version replaces a good one", async () => {
    const { store, run } = setup(fixture("Landscape_1.jpg"));
    await run();
    store.seed(KEY, fixture("corrupt-header.jpg"));

    const result = await run(testConfig(), store.objects.get(KEY)!.etag);

    expect(result).toMatchObject({ status: "quarantined", reason: "corrupt" });
    expect([...store.objects.keys()].filter((k) => k.startsWith("variants/"))).toEqual([]);
  });

  it("skips an event whose object is gone", async () => {
    const { store, run } = setup();
    store.objects.delete(KEY);

    expect(await run()).toEqual({ status: "skipped", key: KEY, imageId: ID, reason: "source-missing" });
  });

  it("skips keys outside uploads/ without touching the bucket", async () => {
    const store = createRecordingStore();

    const result = await transformImage({ key: "variants/x/thumb.webp" }, { store }, testConfig());

    expect(result).toEqual({ status: "skipped", key: "variants/x/thumb.webp", reason: "not-an-upload" });
    expect(store.calls.head + store.calls.get).toBe(0);
  });
});

describe("transformImage: quarantine", () => {
  it.each([
    ["a zero-byte object", "empty", Buffer.alloc(0)],
    ["a text file named .jpg", "unsupported-type", "hello, I am not a JPEG\n"],
    ["an SVG", "unsupported-type", fixture("check.svg")],
    ["a JPEG with a corrupt header", "corrupt", fixture("corrupt-header.jpg")],
    ["a truncated PNG", "corrupt", fixture("truncated.png")],
    ["a 60000x60000 PNG bomb", "too-many-pixels", makePngBomb()],
  ] as const)("quarantines %s as %s and leaves the original untouched", async (_label, reason, body) => {
    // Prepare
    const { store, etag, run } = setup(body);
    const original = store.objects.get(KEY)!;

    // Act
    const result = quarantined(await run());

    // Assess
    expect(result).toMatchObject({ reason, markerKey: `quarantine/${ID}.json`, sourceEtag: etag });
    const marker = QuarantineMarker.parse(readJson(store, `quarantine/${ID}.json`));
    expect(marker).toEqual({
      version: 1,
      imageId: ID,
      sourceKey: KEY,
      sourceEtag: etag,
      reason,
      detail: result.detail,
      quarantinedAt: NOW.toISOString(),
    });
    expect(store.objects.get(KEY)).toEqual(original);
    expect([...store.objects.keys()].filter((k) => k.startsWith("variants/"))).toEqual([]);
  });

  it("names what the bytes are when refusing a type", async () => {
    const { run } = setup(fixture("check.svg"));

    expect(quarantined(await run()).detail).toBe("content is svg; allowed: jpeg, png, webp, gif, avif");
  });

  it("refuses an object over MAX_INPUT_BYTES from its HEAD, without downloading it", async () => {
    const { store, run } = setup(fixture("Landscape_1.jpg"));

    const result = quarantined(await run(testConfig({ maxInputBytes: 100_000 })));

    expect(result.reason).toBe("too-large");
    expect(result.detail).toBe("139435 bytes, over the limit of 100000");
    expect(store.calls.get).toBe(0);
  });

  it("refuses a zero-byte object without downloading it", async () => {
    const { store, run } = setup(Buffer.alloc(0));

    await run();

    expect(store.calls.get).toBe(0);
  });
});

describe("transformImage: S3 failures", () => {
  it.each([
    ["SlowDown on HEAD", "head", sdkError("SlowDown", 503)],
    ["a 500 on GET", "get", sdkError("InternalError", 500)],
    [
      "a dropped connection on PUT",
      "put",
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
    ],
  ] as const)("throws a TransientError for %s", async (_label, operation, error) => {
    const { store, run } = setup();
    store.failOn(operation, error);

    await expect(run()).rejects.toThrow(TransientError);
  });

  it("never writes the manifest when a variant could not be stored", async () => {
    // Prepare
    const { store, run } = setup();
    store.failOn("put", sdkError("SlowDown", 503), (key) => key.endsWith("large.jpg"));

    // Act
    await expect(run()).rejects.toThrow(/PUT variants\/.*large\.jpg: SlowDown \(HTTP 503\)/);

    // Assess
    expect(store.objects.has(`variants/${ID}/manifest.json`)).toBe(false);
  });

  it("lets a non-transient S3 error through unchanged: it is not the image's fault", async () => {
    const { store, run } = setup();
    const denied = sdkError("AccessDenied", 403);
    store.failOn("get", denied);

    await expect(run()).rejects.toBe(denied);
  });
});
