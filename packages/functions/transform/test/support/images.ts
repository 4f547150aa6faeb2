import { readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { DEFAULT_VARIANTS } from "../../src/env.js";
import type { TransformConfig } from "../../src/transform-image.js";

const FIXTURES = new URL("../fixtures/", import.meta.url);

/** A real image from test/fixtures (copied from sharp's own test suite; see /work/shared/fixtures). */
export const fixture = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));

export const testConfig = (overrides: Partial<TransformConfig> = {}): TransformConfig => ({
  variants: DEFAULT_VARIANTS,
  formats: ["webp", "jpeg"],
  maxInputBytes: 50 * 1024 * 1024,
  maxInputPixels: 100_000_000,
  animation: "keep",
  ...overrides,
});

/** An 8x6 grid of mean colours: enough to tell an upright photo from a mirrored or rotated one. */
export const signature = async (image: Buffer): Promise<Buffer> =>
  sharp(image).removeAlpha().resize(8, 6, { fit: "fill" }).raw().toBuffer();

export const meanAbsDiff = (a: Buffer, b: Buffer): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
};

/** The RGB(A) value of one pixel of an encoded image. */
export const pixelAt = async (image: Buffer, x: number, y: number): Promise<number[]> => {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return [...data.subarray(offset, offset + info.channels)];
};

const crc32 = (bytes: Buffer): number => {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
};

const pngChunk = (type: string, data: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

/**
 * A decompression bomb: a small, well-formed PNG whose header claims `width` x `height` RGB pixels (60000 x
 * 60000 is 10.8 GB decoded). Only the first rows are present; a decoder that trusted it would allocate first.
 */
export const makePngBomb = (width = 60_000, height = 60_000): Buffer => {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type: RGB
  const rows = Buffer.alloc(4 * (1 + width * 3)); // four rows of filter byte 0 + black pixels
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(rows)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
};

/** A flat-colour JPEG of the given sRGB colour, stored in Display P3 (pixels converted, profile embedded). */
export const makeDisplayP3Jpeg = async (srgb: { r: number; g: number; b: number }): Promise<Buffer> =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: srgb } })
    .withIccProfile("p3")
    .jpeg({ quality: 100 })
    .toBuffer();

/** A JPEG carrying GPS coordinates and a camera model in EXIF: what a phone uploads. */
export const makeJpegWithGps = async (): Promise<Buffer> =>
  sharp({ create: { width: 320, height: 240, channels: 3, background: "#3366aa" } })
    .withExif({
      IFD0: { Make: "LabPhone", Model: "LabPhone 12" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "52/1 22/1 0/1",
        GPSLongitudeRef: "E",
        GPSLongitude: "4/1 53/1 0/1",
      },
    })
    .jpeg()
    .toBuffer();
