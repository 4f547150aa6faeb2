import { VariantManifest } from "@lambda-lab/shared";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderVariants } from "../../src/image-pipeline.js";
import type { AnimationMode } from "../../src/read-plan.js";
import { sniffImageType } from "../../src/sniff.js";
import { type TransformResult, transformImage } from "../../src/transform-image.js";
import { fixture, meanAbsDiff, signature, testConfig } from "../support/images.js";
import { createRecordingStore } from "../support/stores.js";

// Every file here is a real one from a public test suite (test/fixtures/SOURCES.md).
const KEY = "uploads/2026/11/25/01KAXQ7Z3C8M5T0R6W9Y2B4N1D.avif";
const ID = "2026/11/25/01KAXQ7Z3C8M5T0R6W9Y2B4N1D";

const transform = async (name: string, animation: AnimationMode = "keep") => {
  const store = createRecordingStore();
  store.seed(KEY, fixture(name), { contentType: "image/avif" });
  const result = await transformImage({ key: KEY }, { store }, testConfig({ animation }));
  const manifest = store.objects.get(`variants/${ID}/manifest.json`);
  return {
    result,
    store,
    manifest: manifest ? VariantManifest.parse(JSON.parse(manifest.body.toString("utf8"))) : undefined,
  };
};

const written = (result: TransformResult) => {
  if (result.status !== "written") throw new Error(`expected written, got ${JSON.stringify(result)}`);
  return result;
};

describe("what the installed sharp can read (if one of these fails, sharp changed: revisit sniff.ts)", () => {
  it("reads a HEIF's top-level items as pages: asking for all of them fails on items of mixed sizes", async () => {
    // pitm.avif: four 1024x800 tiles and their 4096x800 grid, which is the primary item.
    const meta = await sharp(fixture("pitm.avif")).metadata();

    expect(meta).toMatchObject({ format: "heif", compression: "av1", pages: 5, pagePrimary: 4 });
    expect([meta.width, meta.height]).toEqual([4096, 800]);
    await expect(sharp(fixture("pitm.avif"), { animated: true }).metadata()).rejects.toThrow(/bad seek/);
    await expect(sharp(fixture("pitm.avif"), { page: 0 }).metadata()).resolves.toMatchObject({ width: 1024 });
  });

  it("cannot decode HEVC: it reads a HEIC's header but not its pixels", async () => {
    const heic = fixture("colors-with-alpha-thumbnail.heic");

    expect(await sharp(heic).metadata()).toMatchObject({ format: "heif", compression: "hevc" });
    await expect(sharp(heic).raw().toBuffer()).rejects.toThrow();
  });

  it("cannot open an AVIF image sequence (major brand avis) at all", async () => {
    await expect(sharp(fixture("colors-animated-8bpc.avif")).metadata()).rejects.toThrow(
      /unsupported image format/,
    );
  });

  it("sees an APNG as its default image only: no pages", async () => {
    const meta = await sharp(fixture("apng-delay.png"), { animated: true }).metadata();

    expect(meta).toMatchObject({ format: "png", width: 128, height: 64 });
    expect(meta.pages).toBeUndefined();
  });
});

describe("multi-image HEIF (AVIF): the primary item, never a 'corrupt' quarantine", () => {
  it.each([
    // file, why it holds several items, the primary's size
    ["pitm.avif", "a 2x2 grid whose tiles are top-level items, primary is item 4", 4096, 800],
    ["sofa_grid1x5_420.avif", "a 1x5 grid (avifenc --grid) with its tiles listed", 1024, 770],
    ["pyramid_pymd.avif", "a pyramid of three layers, 128/256/512 px", 128, 128],
    ["color_grid_alpha_grid_gainmap_nogrid.avif", "colour and alpha grids plus a gain map", 512, 600],
  ] as const)("writes %s (%s) at %ix%i", async (name, _why, width, height) => {
    for (const animation of ["keep", "first-frame"] as const) {
      // Act
      const { result, manifest } = await transform(name, animation);

      // Assess
      written(result);
      expect(manifest).toMatchObject({ sourceFormat: "heif", width, height, animated: false });
      const large = manifest!.variants.find((v) => v.name === "large" && v.format === "webp")!;
      expect([large.width, large.height]).toEqual([
        Math.min(width, 1600),
        Math.round((Math.min(width, 1600) * height) / width),
      ]);
    }
  });

  it("renders the primary item's pixels, not the first item's", async () => {
    // pitm.avif's item 0 is the grid's top-left tile: a quarter of the picture.
    const image = await renderVariants(fixture("pitm.avif"), "avif", testConfig());
    const large = image.variants.find((v) => v.name === "large" && v.format === "webp")!;
    const look = async (page: number) =>
      signature(await sharp(fixture("pitm.avif"), { page }).resize({ width: 1600 }).png().toBuffer());

    expect(image).toMatchObject({ frames: 1, sourcePages: 5, page: 4, width: 4096, height: 800 });
    const ours = await signature(large.body);
    expect(meanAbsDiff(ours, await look(4))).toBeLessThan(4);
    expect(meanAbsDiff(ours, await look(0))).toBeGreaterThan(10);
  });

  it("calls bytes no loader takes unsupported, not corrupt, even past the sniffer", async () => {
    // An AVIF sequence handed straight to the pipeline: sharp answers "unsupported image format".
    const error = await renderVariants(fixture("colors-animated-8bpc.avif"), "avif", testConfig()).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({ reason: "unsupported-type" });
    expect((error as Error).message).toMatch(/no loader/);
  });

  it("keeps the alpha plane, an auxiliary item, in the WebP variants", async () => {
    const image = await renderVariants(
      fixture("color_grid_alpha_grid_gainmap_nogrid.avif"),
      "avif",
      testConfig(),
    );

    const webp = image.variants.find((v) => v.format === "webp")!;
    expect((await sharp(webp.body).metadata()).hasAlpha).toBe(true);
  });

  it("counts only the primary item against the pixel cap", async () => {
    const exact = testConfig({ maxInputPixels: 4096 * 800 });

    const image = await renderVariants(fixture("pitm.avif"), "avif", exact);

    expect(image.width * image.height).toBe(4096 * 800);
  });
});

describe("multi-image and multi-page inputs: one outcome and one reason each", () => {
  it.each([
    ["an AVIF image sequence", "colors-animated-8bpc.avif", "avif image sequence (animated AVIF)"],
    ["a HEIC with alpha and a thumbnail", "colors-with-alpha-thumbnail.heic", "heic (HEVC-coded HEIF)"],
    ["a two-page TIFF", "G31D_MULTI.TIF", "content is tiff;"],
    ["a PDF", "blankpage.pdf", "content is pdf;"],
    ["an ICO with three sizes", "favicon.ico", "content is ico (3 images);"],
  ])("refuses %s as unsupported-type, saying what it is", async (_label, name, detail) => {
    const { result, store } = await transform(name);

    expect(result).toMatchObject({ status: "quarantined", reason: "unsupported-type" });
    expect((result as { detail: string }).detail).toContain(detail);
    expect([...store.objects.keys()].filter((key) => key.startsWith("variants/"))).toEqual([]);
  });

  it("still calls a multi-frame GIF with broken frame data corrupt", async () => {
    const { result } = await transform("invalid_multiframe.gif");

    expect(result).toMatchObject({ status: "quarantined", reason: "corrupt" });
  });

  it.each([
    ["an animated GIF", "animated-loop-3.gif", "gif", 370, 285, 10],
    ["an animated WebP", "animated-loop-3.webp", "webp", 370, 285, 10],
  ])("keeps %s animated in WebP, every frame read", async (_label, name, format, width, height, frames) => {
    const image = await renderVariants(fixture(name), format as "gif" | "webp", testConfig());

    expect(image).toMatchObject({ width, height, frames, animated: true, sourceFormat: format });
    const webp = image.variants.find((v) => v.name === "large" && v.format === "webp")!;
    expect((await sharp(webp.body, { animated: true }).metadata()).pages).toBe(frames);
  });

  it("writes an APNG as its default image, a still", async () => {
    const { result, manifest } = await transform("apng-delay.png");

    written(result);
    expect(manifest).toMatchObject({ sourceFormat: "png", width: 128, height: 64, animated: false });
  });

  it("writes a JPEG carrying a gain map (a second image, MPF) from its primary image", async () => {
    const { result, manifest } = await transform("paris_exif_xmp_gainmap_littleendian.jpg");

    written(result);
    expect(manifest).toMatchObject({ sourceFormat: "jpeg", width: 403, height: 302, animated: false });
  });

  it("sniffs each of them as what it is", () => {
    expect(sniffImageType(fixture("pitm.avif"))).toEqual({ allowed: true, type: "avif" });
    expect(sniffImageType(fixture("colors-animated-8bpc.avif")).allowed).toBe(false);
    expect(sniffImageType(fixture("apng-delay.png"))).toEqual({ allowed: true, type: "png" });
    expect(sniffImageType(fixture("animated-loop-3.webp"))).toEqual({ allowed: true, type: "webp" });
  });
});
