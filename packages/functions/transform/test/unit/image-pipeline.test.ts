import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { ImageRejectedError } from "../../src/errors.js";
import { type RenderedImage, renderVariants } from "../../src/image-pipeline.js";
import {
  fixture,
  makeDisplayP3Jpeg,
  makeJpegWithGps,
  makePngBomb,
  meanAbsDiff,
  pixelAt,
  signature,
  testConfig,
} from "../support/images.js";

const variant = (image: RenderedImage, name: string, format: string) => {
  const found = image.variants.find((v) => v.name === name && v.format === format);
  if (!found)
    throw new Error(`no ${name}.${format} among ${image.variants.map((v) => `${v.name}.${v.format}`)}`);
  return found;
};

const rejection = async (promise: Promise<unknown>): Promise<ImageRejectedError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageRejectedError);
  return error as ImageRejectedError;
};

describe("renderVariants: orientation", () => {
  it("can tell an upright photo from a mirrored one (the check below can fail)", async () => {
    const upright = await signature(fixture("Landscape_1.jpg"));
    const mirrored = await signature(await sharp(fixture("Landscape_1.jpg")).flop().toBuffer());

    expect(meanAbsDiff(upright, mirrored)).toBeGreaterThan(20);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])("turns EXIF orientation %i upright at 600x450", async (orientation) => {
    // Prepare
    const input = fixture(`Landscape_${orientation}.jpg`);
    const upright = await signature(fixture("Landscape_1.jpg"));

    // Act
    const image = await renderVariants(input, "jpeg", testConfig());

    // Assess
    expect([image.width, image.height]).toEqual([600, 450]);
    for (const v of image.variants) {
      const meta = await sharp(v.body).metadata();
      expect(meta.orientation ?? 1).toBe(1);
      expect(meanAbsDiff(await signature(v.body), upright)).toBeLessThan(8);
    }
    expect([variant(image, "thumb", "webp").width, variant(image, "thumb", "webp").height]).toEqual([
      200, 150,
    ]);
  });
});

describe("renderVariants: sizes and formats", () => {
  it("writes every variant in every format, at its width, never upscaled", async () => {
    // Act
    const image = await renderVariants(
      fixture("4.webp"),
      "webp",
      testConfig({ formats: ["webp", "jpeg", "avif"] }),
    );

    // Assess
    const seen = await Promise.all(
      image.variants.map(async (v) => {
        const meta = await sharp(v.body).metadata();
        return `${v.name}.${v.extension} ${meta.format} ${meta.width}x${meta.height} ${v.contentType}`;
      }),
    );
    expect(seen).toEqual([
      "thumb.webp webp 200x151 image/webp",
      "thumb.jpg jpeg 200x151 image/jpeg",
      "thumb.avif heif 200x151 image/avif",
      "medium.webp webp 800x603 image/webp",
      "medium.jpg jpeg 800x603 image/jpeg",
      "medium.avif heif 800x603 image/avif",
      "large.webp webp 1024x772 image/webp",
      "large.jpg jpeg 1024x772 image/jpeg",
      "large.avif heif 1024x772 image/avif",
    ]);
    expect(image.variants.map((v) => [v.width, v.height])).toEqual(
      image.variants.map((v) =>
        v.name === "thumb" ? [200, 151] : v.name === "medium" ? [800, 603] : [1024, 772],
      ),
    );
  });

  it("strips EXIF, GPS included", async () => {
    // Prepare
    const input = await makeJpegWithGps();
    expect((await sharp(input).metadata()).exif?.toString("latin1")).toContain("LabPhone");

    // Act
    const image = await renderVariants(input, "jpeg", testConfig());

    // Assess
    for (const v of image.variants) {
      const meta = await sharp(v.body).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(v.body.toString("latin1")).not.toContain("LabPhone");
    }
  });
});

describe("renderVariants: colour", () => {
  it("converts a CMYK JPEG to 3-channel sRGB with the colours a CMYK-aware decoder sees", async () => {
    // Prepare
    const input = fixture("Channel_digital_image_CMYK_color_no_profile.jpg");
    expect((await sharp(input).metadata()).space).toBe("cmyk");
    const reference = await signature(await sharp(input).toColourspace("srgb").png().toBuffer());

    // Act
    const image = await renderVariants(input, "jpeg", testConfig());

    // Assess
    for (const v of image.variants) {
      const meta = await sharp(v.body).metadata();
      expect([meta.space, meta.channels]).toEqual(["srgb", 3]);
      expect(meanAbsDiff(await signature(v.body), reference)).toBeLessThan(8);
    }
  });

  it("converts a Display P3 image to sRGB values, not its raw P3 numbers", async () => {
    // Prepare: sRGB (220, 60, 40) is stored as different P3 numbers; reading them as sRGB would shift the colour.
    const input = await makeDisplayP3Jpeg({ r: 220, g: 60, b: 40 });
    const storedP3 = await pixelAt(await sharp(input, { ignoreIcc: true }).png().toBuffer(), 10, 10);
    expect(Math.abs((storedP3[0] ?? 0) - 220) + Math.abs((storedP3[1] ?? 0) - 60)).toBeGreaterThan(20);

    // Act
    const image = await renderVariants(input, "jpeg", testConfig({ formats: ["webp"] }));

    // Assess
    const large = variant(image, "large", "webp");
    expect((await sharp(large.body).metadata()).icc).toBeUndefined();
    const [r = 0, g = 0, b = 0] = await pixelAt(large.body, 10, 10);
    expect(Math.abs(r - 220)).toBeLessThanOrEqual(4);
    expect(Math.abs(g - 60)).toBeLessThanOrEqual(4);
    expect(Math.abs(b - 40)).toBeLessThanOrEqual(4);
  });

  it("casts 16-bit grey+alpha to 8-bit, keeps alpha in WebP and flattens JPEG onto white", async () => {
    // Prepare
    const input = fixture("16-bit-grey-alpha.png");
    expect((await sharp(input).metadata()).depth).toBe("ushort");

    // Act
    const image = await renderVariants(input, "png", testConfig());

    // Assess
    const webp = await sharp(variant(image, "thumb", "webp").body).metadata();
    expect([webp.depth, webp.hasAlpha]).toEqual(["uchar", true]);
    const jpeg = variant(image, "thumb", "jpeg").body;
    expect((await sharp(jpeg).metadata()).hasAlpha).toBe(false);
    // The source is mostly transparent black: flattened onto white it is light, with alpha dropped it is black.
    const { channels } = await sharp(jpeg).stats();
    expect(channels[0]?.mean).toBeGreaterThan(180);
  });
});

describe("renderVariants: animation", () => {
  it("keeps an animated GIF moving in WebP (frames, loop, delays) and takes the first frame for JPEG", async () => {
    // Act
    const image = await renderVariants(
      fixture("animated-loop-3.gif"),
      "gif",
      testConfig({ animation: "keep" }),
    );

    // Assess
    expect(image).toMatchObject({ width: 370, height: 285, frames: 10, animated: true, sourceFormat: "gif" });
    const webp = await sharp(variant(image, "thumb", "webp").body, { animated: true }).metadata();
    expect({
      pages: webp.pages,
      loop: webp.loop,
      delays: webp.delay?.length,
      w: webp.width,
      h: webp.pageHeight,
    }).toEqual({
      pages: 10,
      loop: 3,
      delays: 10,
      w: 200,
      h: 154,
    });
    expect(variant(image, "thumb", "webp")).toMatchObject({ width: 200, height: 154, animated: true });
    const jpeg = await sharp(variant(image, "thumb", "jpeg").body).metadata();
    expect([jpeg.width, jpeg.height, jpeg.pages]).toEqual([200, 154, undefined]);
  });

  it("writes only the first frame when ANIMATION=first-frame", async () => {
    const image = await renderVariants(
      fixture("animated-loop-3.gif"),
      "gif",
      testConfig({ animation: "first-frame" }),
    );

    expect(image.animated).toBe(false);
    const webp = await sharp(variant(image, "large", "webp").body, { animated: true }).metadata();
    expect([webp.pages ?? 1, webp.width, webp.height]).toEqual([1, 370, 285]);
  });
});

describe("renderVariants: untrusted input", () => {
  it("refuses a 60000x60000 PNG bomb from its header, without decoding it", async () => {
    // Prepare
    const bomb = makePngBomb(60_000, 60_000);
    const rssBefore = process.memoryUsage().rss;

    // Act
    const error = await rejection(renderVariants(bomb, "png", testConfig()));

    // Assess: decoding even one full-size frame would take 10.8 GB.
    expect(error.reason).toBe("too-many-pixels");
    expect(error.detail).toBe("60000x60000 = 3600000000 pixels, over the limit of 100000000");
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
  });

  it("applies the pixel cap it is given", async () => {
    const error = await rejection(
      renderVariants(fixture("Landscape_1.jpg"), "jpeg", testConfig({ maxInputPixels: 100_000 })),
    );

    expect(error.reason).toBe("too-many-pixels");
  });

  it("counts every frame of an animation against the cap, and one frame when only one is read", async () => {
    // 370 x 285 x 10 frames = 1,054,500 pixels.
    const config = testConfig({ maxInputPixels: 500_000 });

    const error = await rejection(renderVariants(fixture("animated-loop-3.gif"), "gif", config));
    const still = await renderVariants(fixture("animated-loop-3.gif"), "gif", {
      ...config,
      animation: "first-frame",
    });

    expect(error.detail).toBe("370x285 x 10 frames = 1054500 pixels, over the limit of 500000");
    expect(still.frames).toBe(1);
  });

  it.each([
    ["corrupt-header.jpg", "jpeg"],
    ["truncated.png", "png"],
  ] as const)("rejects %s as corrupt", async (name, type) => {
    const error = await rejection(renderVariants(fixture(name), type, testConfig()));

    expect(error.reason).toBe("corrupt");
    expect(error.detail.length).toBeGreaterThan(0);
  });

  it("rejects bytes whose signature and decoder disagree", async () => {
    // A real PNG, claimed (by its first bytes' sniff) to be a GIF.
    const error = await rejection(renderVariants(fixture("16-bit-grey-alpha.png"), "gif", testConfig()));

    expect(error.reason).toBe("unsupported-type");
    expect(error.detail).toBe("bytes start like gif but the decoder reads png");
  });
});
