/** The image types the transform decodes: the lab's IMAGE_TYPES, named as sharp names its loaders. */
export const ALLOWED_TYPES = ["jpeg", "png", "webp", "gif", "avif"] as const;
export type AllowedType = (typeof ALLOWED_TYPES)[number];

export type Sniffed = { allowed: true; type: AllowedType } | { allowed: false; detected: string };

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));

const AVIF_BRANDS = new Set(["avif", "avis"]);
const HEIF_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"]);

/** ISO BMFF (`ftyp` box): AVIF when any brand says so; HEIC and other HEIF stay refused. */
const sniffFtyp = (bytes: Uint8Array): Sniffed | undefined => {
  if (ascii(bytes, 4, 8) !== "ftyp") return undefined;
  const boxSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  const brands = [ascii(bytes, 8, 12)];
  for (let offset = 16; offset + 4 <= Math.min(boxSize, bytes.length, 256); offset += 4)
    brands.push(ascii(bytes, offset, offset + 4));
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return { allowed: true, type: "avif" };
  if (brands.some((brand) => HEIF_BRANDS.has(brand))) return { allowed: false, detected: "heif" };
  return { allowed: false, detected: `iso-bmff (${brands[0]})` };
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
  if (startsWith(bytes, [0xff, 0x0a]) || ascii(bytes, 4, 8) === "JXL ")
    return { allowed: false, detected: "jpeg-xl" };
  return sniffText(bytes);
};
