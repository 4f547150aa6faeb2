/** The image types the transform decodes: the lab's IMAGE_TYPES, named as sharp names its loaders. */
export const ALLOWED_TYPES = ["jpeg", "png", "webp", "gif", "avif"] as const;
export type AllowedType = (typeof ALLOWED_TYPES)[number];

export type Sniffed = { allowed: true; type: AllowedType } | { allowed: false; detected: string };

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));

const AVIF_BRANDS = new Set(["avif"]);
/** `avis`: an AVIF image sequence (animated AVIF). */
const AVIF_SEQUENCE_BRAND = "avis";
const HEIC_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs"]);

/**
 * Why an animated AVIF is refused: libvips' heifload reads HEIF *items* (a still image each), never the
 * frames of a sequence track, and does not open a file whose major brand is `avis` at all (its magic list
 * in heifload.c has `ftypavif` but not `ftypavis`); sharp then reports "unsupported image format".
 */
export const AVIF_SEQUENCE = "avif image sequence (animated AVIF): the decoder reads still AVIF only";
/**
 * Why a HEIC is refused: sharp's prebuilt libvips carries libheif with the AV1 decoder (aom) only, no HEVC
 * decoder, so HEVC-coded HEIF cannot be decoded (a test pins this to the installed sharp).
 */
export const HEIC = "heic (HEVC-coded HEIF): the decoder has no HEVC codec";

/** ISO BMFF (`ftyp` box): still AVIF is allowed; AVIF sequences, HEIC and other HEIF are refused. */
const sniffFtyp = (bytes: Uint8Array): Sniffed | undefined => {
  if (ascii(bytes, 4, 8) !== "ftyp") return undefined;
  const boxSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  const brands = [ascii(bytes, 8, 12)];
  for (let offset = 16; offset + 4 <= Math.min(boxSize, bytes.length, 256); offset += 4)
    brands.push(ascii(bytes, offset, offset + 4));
  // A sequence also lists `avif` (its first frame may be stored as an item too): the sequence brand decides.
  if (brands.includes(AVIF_SEQUENCE_BRAND)) return { allowed: false, detected: AVIF_SEQUENCE };
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return { allowed: true, type: "avif" };
  if (brands.some((brand) => HEIC_BRANDS.has(brand))) return { allowed: false, detected: HEIC };
  if (brands.some((brand) => brand === "mif1" || brand === "msf1" || brand === "miaf"))
    return { allowed: false, detected: "heif (neither AVIF nor HEIC coded)" };
  return { allowed: false, detected: `iso-bmff (${brands[0]})` };
};

/**
 * ICONDIR: reserved 0, type 1 (icon) or 2 (cursor), then a non-zero image count. An .ico holds several
 * images of different sizes; libvips has no loader for it.
 */
const sniffIcon = (bytes: Uint8Array): Sniffed | undefined => {
  if (bytes.length < 6 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[3] !== 0) return undefined;
  if (bytes[2] !== 1 && bytes[2] !== 2) return undefined;
  const count = bytes[4]! | (bytes[5]! << 8);
  if (count === 0) return undefined;
  return {
    allowed: false,
    detected: `${bytes[2] === 1 ? "ico" : "cur"} (${count} image${count === 1 ? "" : "s"})`,
  };
};

/** Markup and plain text are the usual "image" that is not one: SVG above all, which can carry script. */
const sniffText = (bytes: Uint8Array): Sniffed => {
  const head = new TextDecoder("utf-8", { fatal: false })
    .decode(bytes.subarray(0, 1024))
    .replace(/^\uFEFF/, "")
    .trimStart()
    .toLowerCase();
  if (head.startsWith("<")) {
    if (head.includes("<svg")) return { allowed: false, detected: "svg" };
    return { allowed: false, detected: head.startsWith("<?xml") ? "xml" : "html" };
  }
  const sample = bytes.subarray(0, 512);
  const printable = sample.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || b >= 0x20);
  return { allowed: false, detected: printable ? "text" : "unknown binary" };
};

/**
 * The type of an object from its first bytes. The key's extension and the declared Content-Type are the
 * uploader's claims; only these bytes say what the decoder would actually run on.
 */
export const sniffImageType = (bytes: Uint8Array): Sniffed => {
  if (bytes.length === 0) return { allowed: false, detected: "empty" };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { allowed: true, type: "jpeg" };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { allowed: true, type: "png" };
  const six = ascii(bytes, 0, 6);
  if (six === "GIF87a" || six === "GIF89a") return { allowed: true, type: "gif" };
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return { allowed: true, type: "webp" };
  const ftyp = sniffFtyp(bytes);
  if (ftyp) return ftyp;
  if (ascii(bytes, 0, 5) === "%PDF-") return { allowed: false, detected: "pdf" };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
    return { allowed: false, detected: "tiff" };
  if (startsWith(bytes, [0x1f, 0x8b])) return { allowed: false, detected: "gzip (svgz?)" };
  if (ascii(bytes, 0, 2) === "BM") return { allowed: false, detected: "bmp" };
  const icon = sniffIcon(bytes);
  if (icon) return icon;
  if (startsWith(bytes, [0xff, 0x0a]) || ascii(bytes, 4, 8) === "JXL ")
    return { allowed: false, detected: "jpeg-xl" };
  return sniffText(bytes);
};
