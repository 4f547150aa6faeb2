import type { AvifOptions, JpegOptions, WebpOptions } from "sharp";

/** The formats variants can be written in. */
export const OUTPUT_FORMATS = ["webp", "jpeg", "avif"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** File extension and Content-Type per output format: `thumb.webp`, `thumb.jpg`, `thumb.avif`. */
export const FORMAT_FILES: Record<OutputFormat, { extension: string; contentType: string }> = {
  webp: { extension: "webp", contentType: "image/webp" },
  jpeg: { extension: "jpg", contentType: "image/jpeg" },
  avif: { extension: "avif", contentType: "image/avif" },
};

/**
 * Encoder settings, shared by the pipeline and the benchmark's baselines so they compare like with like.
 * Measured on a 1600 px photo-like image (bench input): WebP effort 2 encodes 2.6x faster than libwebp's
 * default 4 for 2% larger files, and Lambda bills duration. The JPEG fallback stays baseline with optimised
 * Huffman tables (sharp's default): progressive took twice as long and came out no smaller; mozjpeg is ~10x
 * slower. AVIF is optional and slow; effort 2 keeps a 1600 px encode well under a second.
 */
export const ENCODER_OPTIONS = {
  webp: { quality: 80, effort: 2 } satisfies WebpOptions,
  jpeg: { quality: 80, optimiseCoding: true, mozjpeg: false } satisfies JpegOptions,
  avif: { quality: 50, effort: 2 } satisfies AvifOptions,
};

/** Only WebP carries animation: JPEG cannot, and sharp writes AVIF as a still. */
export const canAnimate = (format: OutputFormat): boolean => format === "webp";

/** JPEG has no alpha: transparent pixels are flattened onto white, not left as whatever colour they hide. */
export const JPEG_BACKGROUND = "#ffffff";
