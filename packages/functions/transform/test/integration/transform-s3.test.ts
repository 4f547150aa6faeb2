import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { QuarantineMarker, VariantManifest } from "@lambda-lab/shared";
import {
  createLocalS3Client,
  createS3ObjectStore,
  type LocalS3,
  startLocalS3,
} from "@lambda-lab/shared/testing";
import { makeS3Event } from "@lambda-lab/testing/s3";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransientError } from "../../src/errors.js";
import { makeHandler, type RecordResult } from "../../src/handler.js";
import { fixture, makePngBomb, meanAbsDiff, signature, testConfig } from "../support/images.js";
import { createRecordingLog } from "../support/log.js";

let s3: LocalS3;
let handler: ReturnType<typeof makeHandler>;

beforeAll(async () => {
  s3 = await startLocalS3();
  handler = makeHandler(
    { store: createS3ObjectStore(s3.client, s3.bucket), bucket: s3.bucket, log: createRecordingLog() },
    testConfig(),
  );
});
afterAll(async () => {
  await s3?.stop();
});

/** Uploads like a browser would, and returns what S3 would put in the event record. */
const upload = async (key: string, body: Buffer | string, contentType = "image/jpeg") => {
  const out = await s3.client.send(
    new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ContentType: contentType }),
  );
  return { key, etag: (out.ETag ?? "").replace(/"/g, ""), size: Buffer.byteLength(body), bucket: s3.bucket };
};

const download = async (key: string) => {
  const out = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
  return { ...out, body: Buffer.from(await out.Body!.transformToByteArray()) };
};

const exists = async (key: string): Promise<boolean> =>
  s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key })).then(
    () => true,
    () => false,
  );

const readManifest = async (imageId: string) =>
  VariantManifest.parse(
    JSON.parse((await download(`variants/${imageId}/manifest.json`)).body.toString("utf8")),
  );

const only = (results: RecordResult[]) => {
  expect(results).toHaveLength(1);
  return results[0]!;
};

describe("transform against a local S3 server", () => {
  it("turns all eight EXIF orientations into upright variants, checked by their pixels", async () => {
    // Prepare: one event with eight records, keys with spaces (the event encodes them as "+")
    const records = [];
    for (let n = 1; n <= 8; n++)
      records.push(
        await upload(`uploads/orientation test/Landscape ${n}.jpg`, fixture(`Landscape_${n}.jpg`)),
      );
    const upright = await signature(fixture("Landscape_1.jpg"));

    // Act
    const { results } = await handler(makeS3Event(...records));

    // Assess
    expect(results.map((r) => r.status)).toEqual(Array(8).fill("written"));
    for (let n = 1; n <= 8; n++) {
      const manifest = await readManifest(`orientation test/Landscape ${n}`);
      expect([manifest.width, manifest.height]).toEqual([600, 450]);
      for (const entry of manifest.variants) {
        const variant = await download(entry.key);
        const meta = await sharp(variant.body).metadata();
        expect([meta.format === "heif" ? "avif" : meta.format, meta.width, meta.height]).toEqual([
          entry.format,
          entry.width,
          entry.height,
        ]);
        expect(entry.width).toBe(entry.name === "thumb" ? 200 : 600);
        expect(meanAbsDiff(await signature(variant.body), upright), `${entry.key}`).toBeLessThan(8);
      }
    }
  });

  it("stores variants with Content-Type, immutable Cache-Control and width/height/source-ETag metadata", async () => {
    // Prepare
    const record = await upload("uploads/headers/photo.jpg", fixture("Landscape_1.jpg"));

    // Act
    await handler(makeS3Event(record));

    // Assess
    const thumb = await download("variants/headers/photo/thumb.webp");
    expect(thumb.ContentType).toBe("image/webp");
    expect(thumb.CacheControl).toBe("public, max-age=31536000, immutable");
    expect(thumb.Metadata).toEqual({ width: "200", height: "150", "source-etag": record.etag });
    const large = await download("variants/headers/photo/large.jpg");
    expect(large.ContentType).toBe("image/jpeg");
    expect((await sharp(large.body).metadata()).format).toBe("jpeg");
    expect((await readManifest("headers/photo")).sourceEtag).toBe(record.etag);
  });

  it.each([
    ["uploads/keys/red flower.jpg", "keys/red flower"],
    ["uploads/keys/a+b=c.jpg", "keys/a+b=c"],
    ["uploads/keys/100% real.jpg", "keys/100% real"],
    ["uploads/keys/고양이 사진.jpg", "keys/고양이 사진"],
  ])("handles the key %s from its URL-encoded event form", async (key, imageId) => {
    const record = await upload(key, fixture("Landscape_2.jpg"));

    const result = only((await handler(makeS3Event(record))).results);

    expect(result).toMatchObject({ status: "written", imageId });
    expect(await exists(`variants/${imageId}/thumb.webp`)).toBe(true);
  });

  it("converts CMYK, 16-bit and WebP inputs to 8-bit sRGB variants", async () => {
    // Prepare
    const records = [
      await upload("uploads/colour/cmyk.jpg", fixture("Channel_digital_image_CMYK_color_no_profile.jpg")),
      await upload("uploads/colour/grey16.png", fixture("16-bit-grey-alpha.png"), "image/png"),
      await upload("uploads/colour/photo.webp", fixture("4.webp"), "image/webp"),
    ];

    // Act
    const { results } = await handler(makeS3Event(...records));

    // Assess
    expect(results.map((r) => r.status)).toEqual(["written", "written", "written"]);
    for (const [id, width] of [
      ["colour/cmyk", 500],
      ["colour/grey16", 109],
      ["colour/photo", 1024],
    ] as const) {
      const manifest = await readManifest(id);
      const large = await sharp((await download(`variants/${id}/large.jpg`)).body).metadata();
      expect([manifest.width, large.width, large.space, large.depth, large.channels]).toEqual([
        width,
        width,
        "srgb",
        "uchar",
        3,
      ]);
    }
  });

  it("keeps an animated GIF animated in WebP", async () => {
    const record = await upload("uploads/anim/loop.gif", fixture("animated-loop-3.gif"), "image/gif");

    await handler(makeS3Event(record));

    const manifest = await readManifest("anim/loop");
    expect(manifest.animated).toBe(true);
    const thumb = await sharp((await download("variants/anim/loop/thumb.webp")).body, {
      animated: true,
    }).metadata();
    expect([thumb.pages, thumb.width, thumb.pageHeight]).toEqual([10, 200, 154]);
  });

  it("writes a multi-item AVIF (a grid whose tiles are items) from its primary item", async () => {
    const record = await upload("uploads/multi/pitm.avif", fixture("pitm.avif"), "image/avif");

    const result = only((await handler(makeS3Event(record))).results);

    expect(result.status).toBe("written");
    expect(await readManifest("multi/pitm")).toMatchObject({
      sourceFormat: "heif",
      width: 4096,
      height: 800,
      animated: false,
    });
  });

  it.each([
    ["corrupt-header.jpg", "corrupt", fixture("corrupt-header.jpg")],
    ["truncated.png", "corrupt", fixture("truncated.png")],
    ["check.svg", "unsupported-type", fixture("check.svg")],
    ["bomb.png", "too-many-pixels", makePngBomb()],
    ["empty.jpg", "empty", Buffer.alloc(0)],
    ["notes.jpg", "unsupported-type", Buffer.from("shopping list: milk, eggs\n")],
    ["sequence.avif", "unsupported-type", fixture("colors-animated-8bpc.avif")],
    ["photo.heic", "unsupported-type", fixture("colors-with-alpha-thumbnail.heic")],
  ])("quarantines %s (%s) and leaves the original untouched", async (name, reason, body) => {
    // Prepare
    const record = await upload(`uploads/bad/${name}`, body);
    const imageId = `bad/${name.replace(/\.[^.]+$/, "")}`;

    // Act
    const result = only((await handler(makeS3Event(record))).results);

    // Assess
    expect(result).toMatchObject({ status: "quarantined", reason });
    const marker = QuarantineMarker.parse(
      JSON.parse((await download(`quarantine/${imageId}.json`)).body.toString("utf8")),
    );
    expect(marker).toMatchObject({ imageId, sourceKey: record.key, sourceEtag: record.etag, reason });
    expect((await download(record.key)).body.equals(body)).toBe(true);
    expect(await exists(`variants/${imageId}/manifest.json`)).toBe(false);
  });

  it("does nothing for a duplicate event, and replaces the variants for a newer ETag", async () => {
    // Prepare
    const first = await upload("uploads/versions/pic.jpg", fixture("Landscape_1.jpg"));
    await handler(makeS3Event(first));
    const writesBefore = s3.events.length;

    // Act: the same event again (S3 delivers at least once)
    const duplicate = only((await handler(makeS3Event(first))).results);

    // Assess
    expect(duplicate).toMatchObject({ status: "skipped", reason: "already-transformed" });
    expect(s3.events.length).toBe(writesBefore);

    // Act: the object is overwritten with a different picture
    const second = await upload("uploads/versions/pic.jpg", fixture("4.webp"));
    const replaced = only((await handler(makeS3Event(second))).results);

    // Assess
    expect(replaced).toMatchObject({ status: "written", sourceEtag: second.etag });
    const manifest = await readManifest("versions/pic");
    expect([manifest.sourceEtag, manifest.width]).toEqual([second.etag, 1024]);
    const large = await download("variants/versions/pic/large.webp");
    expect([(await sharp(large.body).metadata()).width, large.Metadata?.["source-etag"]]).toEqual([
      1024,
      second.etag,
    ]);
  });

  it("writes only under variants/ and quarantine/", async () => {
    const listing = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    const written = (listing.Contents ?? []).map((o) => o.Key ?? "").filter((k) => !k.startsWith("uploads/"));

    expect(written.length).toBeGreaterThan(0);
    expect(written.filter((k) => !k.startsWith("variants/") && !k.startsWith("quarantine/"))).toEqual([]);
  });

  it("throws a TransientError when S3 cannot be reached, so Lambda retries the event", async () => {
    // Prepare: a client pointed at a port nothing listens on (the server is stopped)
    const gone = await startLocalS3();
    const endpoint = gone.endpoint;
    await gone.stop();
    const client = createLocalS3Client(endpoint);
    const offline = makeHandler(
      { store: createS3ObjectStore(client, "lab-images"), bucket: "lab-images", log: createRecordingLog() },
      testConfig(),
    );

    // Act / Assess
    await expect(offline(makeS3Event({ key: "uploads/a.jpg" }))).rejects.toThrow(TransientError);
    client.destroy();
  });
});
