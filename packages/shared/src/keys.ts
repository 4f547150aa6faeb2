import { decodeTime, isValid as isValidUlid } from "ulid";

/**
 * The bucket's key layout, in one place. Uploads land under `uploads/`; everything a function writes goes
 * under another top-level prefix, so the S3 trigger on `uploads/` can never fire for a function's own output.
 */
export const PREFIXES = {
  uploads: "uploads/",
  variants: "variants/",
  quarantine: "quarantine/",
  reports: "reports/",
} as const;

/** The prefixes functions write to. None of them may start with (or be started by) the trigger prefix. */
export const OUTPUT_PREFIXES = [PREFIXES.variants, PREFIXES.quarantine, PREFIXES.reports] as const;

/** Image types the lab accepts, with the one extension each is stored under. No HEIC: prebuilt libvips cannot decode HEVC. */
export const IMAGE_TYPES = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/avif": "avif",
} as const;
export type ImageContentType = keyof typeof IMAGE_TYPES;
export type ImageExtension = (typeof IMAGE_TYPES)[ImageContentType];

export const isImageContentType = (value: string): value is ImageContentType =>
  Object.hasOwn(IMAGE_TYPES, value);

const pad = (n: number) => String(n).padStart(2, "0");

/** `YYYY/MM/DD` in UTC: the folder an upload made at `time` lives in. */
export const datePath = (time: Date): string =>
  `${time.getUTCFullYear()}/${pad(time.getUTCMonth() + 1)}/${pad(time.getUTCDate())}`;

/**
 * The key of a new original: `uploads/YYYY/MM/DD/<ulid>.<ext>`. The date comes from the ULID's own
 * timestamp, so the id alone is enough to find every key that belongs to the upload.
 */
export const originalKey = (ulid: string, contentType: ImageContentType): string => {
  if (!isValidUlid(ulid)) throw new Error(`not a ULID: ${JSON.stringify(ulid)}`);
  return `${PREFIXES.uploads}${datePath(new Date(decodeTime(ulid)))}/${ulid}.${IMAGE_TYPES[contentType]}`;
};

/**
 * The image id every derived key is built from: the original's key relative to `uploads/`, extension dropped
 * (`YYYY/MM/DD/<ulid>` for keys the upload function made). Returns undefined for keys outside `uploads/`.
 */
export const imageIdOfKey = (key: string): string | undefined => {
  if (!key.startsWith(PREFIXES.uploads)) return undefined;
  const relative = key.slice(PREFIXES.uploads.length);
  const lastSlash = relative.lastIndexOf("/");
  const lastDot = relative.lastIndexOf(".");
  const stem = lastDot > lastSlash + 1 ? relative.slice(0, lastDot) : relative;
  return stem.length > 0 && !stem.endsWith("/") ? stem : undefined;
};

/** The image id of an upload the upload function made, from its ULID alone. */
export const imageIdOfUlid = (ulid: string): string => {
  if (!isValidUlid(ulid)) throw new Error(`not a ULID: ${JSON.stringify(ulid)}`);
  return `${datePath(new Date(decodeTime(ulid)))}/${ulid}`;
};

/** `uploads/<imageId>.`: the listing prefix that finds an original whatever its extension. */
export const originalPrefixOf = (imageId: string): string => `${PREFIXES.uploads}${imageId}.`;
export const variantsPrefixOf = (imageId: string): string => `${PREFIXES.variants}${imageId}/`;
export const manifestKeyOf = (imageId: string): string => `${variantsPrefixOf(imageId)}manifest.json`;
export const variantKeyOf = (imageId: string, name: string, extension: string): string =>
  `${variantsPrefixOf(imageId)}${name}.${extension}`;
export const quarantineKeyOf = (imageId: string): string => `${PREFIXES.quarantine}${imageId}.json`;

/** `YYYY-MM-DD`, the date format of report keys and `daily_stats` rows. */
export type IsoDate = string;
export const cleanupReportKeyOf = (date: IsoDate): string => `${PREFIXES.reports}cleanup/${date}.json`;
export const dailyReportKeyOf = (date: IsoDate): string => `${PREFIXES.reports}daily/${date}.json`;

/** Every key a function may write for one original. Used by tests to prove outputs never re-trigger. */
export const derivedKeysOf = (
  imageId: string,
  variantFiles: readonly string[] = ["thumb.webp"],
): string[] => [
  manifestKeyOf(imageId),
  quarantineKeyOf(imageId),
  ...variantFiles.map((file) => `${variantsPrefixOf(imageId)}${file}`),
];

/** True when a key would fire the upload trigger (the S3 notification filter is this prefix). */
export const isTriggerKey = (key: string): boolean => key.startsWith(PREFIXES.uploads);
