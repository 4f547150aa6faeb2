import { IMAGE_TYPES, imageIdOfKey, PREFIXES } from "@lambda-lab/shared";

/**
 * S3 lists keys in UTF-8 byte order and the `images.key` column is COLLATE "C" (byte order too), but
 * JavaScript compares UTF-16 code units, which disagree once a key holds characters beyond U+FFFF. Mapping
 * surrogates above U+E000..U+FFFF makes code-unit comparison match code-point (= UTF-8 byte) order without
 * allocating buffers in the hot loop.
 */
const rank = (unit: number): number =>
  unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit;

export const compareKeys = (a: string, b: string): number => {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
};

const EXTENSIONS = Object.values(IMAGE_TYPES).join("|");
/** `uploads/YYYY/MM/DD/<ULID>.<ext>`: exactly what the upload function writes. */
const MANAGED_ORIGINAL = new RegExp(
  `^${PREFIXES.uploads}\\d{4}/\\d{2}/\\d{2}/[0-7][0-9A-HJKMNP-TV-Z]{25}\\.(?:${EXTENSIONS})$`,
);

/**
 * The image id of an original this function may delete, or undefined for any other key under uploads/.
 * Only the upload function's own layout is managed: its ids all have the same length, so no id's variants
 * prefix (`variants/<id>/`) can contain another id's, and hand-placed objects are never touched.
 */
export const managedImageIdOf = (key: string): string | undefined =>
  MANAGED_ORIGINAL.test(key) ? imageIdOfKey(key) : undefined;
