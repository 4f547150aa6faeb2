import sharp, { type Metadata, type Sharp, type SharpOptions } from "sharp";
import type { VariantSpec } from "./env.js";
import { ImageRejectedError } from "./errors.js";
import { canAnimate, ENCODER_OPTIONS, FORMAT_FILES, JPEG_BACKGROUND, type OutputFormat } from "./formats.js";
import { type AnimationMode, planRead, type ReadPlan } from "./read-plan.js";
import type { AllowedType } from "./sniff.js";

export interface PipelineOptions {
  variants: readonly VariantSpec[];
  formats: readonly OutputFormat[];
  /** Refused from the header, before decoding: width × height, summed over every frame that is read. */
  maxInputPixels: number;
  animation: AnimationMode;
}

export interface RenderedVariant {
  name: string;
  format: OutputFormat;
  extension: string;
  contentType: string;
  /** One frame's size, after orientation. */
  width: number;
  height: number;
  animated: boolean;
  body: Buffer;
}

export interface RenderedImage {
  /** Format as sharp decoded it (`heif` for AVIF). */
  sourceFormat: string;
  /** One frame of the source, upright. */
  width: number;
  height: number;
  frames: number;
  /** Pages the source holds (GIF/WebP frames, HEIF top-level items) and the one read first. */
  sourcePages: number;
  page: number;
  /** True when the WebP variants keep the source's animation. */
  animated: boolean;
  variants: RenderedVariant[];
}

/** What sharp reports for each allowed type: a mismatch means the bytes only look like that type. */
const DECODER_FORMAT: Record<AllowedType, string> = {
  jpeg: "jpeg",
  png: "png",
  webp: "webp",
  gif: "gif",
  avif: "heif",
};

/**
 * Decoder options for untrusted input. `failOn: "warning"` (sharp's advice for untrusted input) rejects
 * truncated or damaged pixel data instead of emitting a half-grey image; `limitInputPixels` repeats our own
 * header check inside libvips, so no code path can decode past the cap. Which pages are read is the plan's.
 */
const inputOptions = (options: PipelineOptions, plan?: ReadPlan): SharpOptions => ({
  failOn: "warning",
  limitInputPixels: options.maxInputPixels,
  sequentialRead: true,
  ...plan?.select,
});

const rejectDecodeError = (error: unknown): never => {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split("\n")[0] ?? message;
  if (/pixel limit/i.test(message))
    throw new ImageRejectedError("too-many-pixels", message, { cause: error });
  // No loader of this build takes the bytes: a format variant we cannot read, which says nothing of damage.
  if (/unsupported image format/i.test(message))
    throw new ImageRejectedError("unsupported-type", `the decoder has no loader for it: ${first}`, {
      cause: error,
    });
  throw new ImageRejectedError("corrupt", first, { cause: error });
};

interface Probe {
  meta: Metadata;
  plan: ReadPlan;
  frameWidth: number;
  frameHeight: number;
}

/** Reads the header only: refuses pixel bombs and decoder/sniffer disagreements before any decoding. */
const probe = async (input: Buffer, type: AllowedType, options: PipelineOptions): Promise<Probe> => {
  // Header only, so libvips' own pixel limit is lifted here: our check below names the size in its message.
  // sharp's defaults read one page (the primary item of a HEIF), whatever the container holds besides.
  const meta = await sharp(input, { ...inputOptions(options), limitInputPixels: false })
    .metadata()
    .catch(rejectDecodeError);
  if (meta.format !== DECODER_FORMAT[type] || (type === "avif" && meta.compression !== "av1"))
    throw new ImageRejectedError(
      "unsupported-type",
      `bytes start like ${type} but the decoder reads ${meta.format}${meta.compression ? `/${meta.compression}` : ""}`,
    );
  const width = meta.width;
  const frameHeight = meta.height;
  if (!width || !frameHeight) throw new ImageRejectedError("corrupt", "the header has no dimensions");
  const plan = planRead(meta, options.animation);
  const frames = plan.frames;
  const pixels = width * frameHeight * frames;
  if (pixels > options.maxInputPixels)
    throw new ImageRejectedError(
      "too-many-pixels",
      `${width}x${frameHeight}${frames > 1 ? ` x ${frames} frames` : ""} = ${pixels} pixels, over the limit of ${options.maxInputPixels}`,
    );
  // EXIF orientations 5-8 are stored on their side: the upright frame swaps width and height.
  const sideways = (meta.orientation ?? 1) >= 5;
  return {
    meta,
    plan,
    frameWidth: sideways ? frameHeight : width,
    frameHeight: sideways ? width : frameHeight,
  };
};

interface Decoded {
  data: Buffer;
  width: number;
  /** Height of the whole strip: frames are stacked vertically. */
  height: number;
  frameHeight: number;
  channels: 1 | 2 | 3 | 4;
  premultiplied: boolean;
}

/**
 * The one decode: upright, sRGB (CMYK and ICC-tagged wide-gamut inputs converted, 16-bit cast to 8-bit),
 * already shrunk to the largest variant. For JPEG, libjpeg's shrink-on-load makes the decode itself cheaper.
 */
const decode = async (
  input: Buffer,
  largestWidth: number,
  options: PipelineOptions,
  plan: ReadPlan,
): Promise<Decoded> => {
  const { data, info } = await sharp(input, inputOptions(options, plan))
    .autoOrient()
    .resize({ width: largestWidth, withoutEnlargement: true })
    .toColourspace("srgb")
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true })
    .catch(rejectDecodeError);
  return {
    data,
    width: info.width,
    height: info.height,
    frameHeight: info.pageHeight ?? info.height,
    channels: info.channels,
    // Resizing an image with alpha leaves it premultiplied: feeding it back unflagged would darken edges.
    premultiplied: info.premultiplied ?? false,
  };
};

/** A new sharp pipeline over the decoded pixels: all frames, or the first one only. */
const fromDecoded = (decoded: Decoded, allFrames: boolean): Sharp => {
  const multi = allFrames && decoded.height > decoded.frameHeight;
  const height = multi ? decoded.height : decoded.frameHeight;
  const data = multi ? decoded.data : decoded.data.subarray(0, decoded.width * height * decoded.channels);
  return sharp(data, {
    raw: {
      width: decoded.width,
      height,
      channels: decoded.channels,
      premultiplied: decoded.premultiplied,
      ...(multi ? { pageHeight: decoded.frameHeight } : {}),
    },
    animated: multi,
  });
};

const encode = (image: Sharp, format: OutputFormat, meta: Metadata, animated: boolean): Sharp => {
  switch (format) {
    case "webp":
      return image.webp({
        ...ENCODER_OPTIONS.webp,
        ...(animated && meta.loop !== undefined ? { loop: meta.loop } : {}),
        ...(animated && meta.delay ? { delay: meta.delay } : {}),
      });
    case "jpeg":
      return image.flatten({ background: JPEG_BACKGROUND }).jpeg(ENCODER_OPTIONS.jpeg);
    case "avif":
      return image.avif(ENCODER_OPTIONS.avif);
  }
};

/**
 * Decodes `input` once and renders every variant in every format from those pixels. Never upscales;
 * strips all metadata (EXIF with GPS, XMP, ICC: the pixels are sRGB, which is what untagged means on the web).
 * Throws ImageRejectedError for anything wrong with the image; other errors are bugs.
 */
export const renderVariants = async (
  input: Buffer,
  type: AllowedType,
  options: PipelineOptions,
): Promise<RenderedImage> => {
  const { meta, plan, frameWidth, frameHeight } = await probe(input, type, options);
  const frames = plan.frames;
  const largest = Math.max(...options.variants.map((v) => v.width));
  const decoded = await decode(input, largest, options, plan);

  // Biggest first: the largest WebP is the longest single task, so it should start first.
  const jobs = [...options.variants]
    .sort((a, b) => b.width - a.width)
    .flatMap((variant) => options.formats.map((format) => ({ variant, format })));
  const variants = await Promise.all(
    jobs.map(async ({ variant, format }): Promise<RenderedVariant> => {
      const animated = frames > 1 && canAnimate(format);
      let image = fromDecoded(decoded, animated);
      if (variant.width < decoded.width) image = image.resize({ width: variant.width });
      const { data, info } = await encode(image, format, meta, animated)
        .toBuffer({ resolveWithObject: true })
        .catch(rejectDecodeError);
      return {
        name: variant.name,
        format,
        ...FORMAT_FILES[format],
        width: info.width,
        height: animated ? (info.pageHeight ?? info.height) : info.height,
        animated,
        body: data,
      };
    }),
  );
  const byConfigOrder = (v: RenderedVariant) =>
    options.variants.findIndex((s) => s.name === v.name) * options.formats.length +
    options.formats.indexOf(v.format);
  return {
    sourceFormat: meta.format ?? type,
    width: frameWidth,
    height: frameHeight,
    frames,
    sourcePages: plan.pages,
    page: plan.page,
    animated: frames > 1 && options.formats.some(canAnimate),
    variants: variants.sort((a, b) => byConfigOrder(a) - byConfigOrder(b)),
  };
};
