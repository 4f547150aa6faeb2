/** Longest filename accepted: the common file-system limit. Longer names are not from a real file picker. */
export const MAX_FILENAME_LENGTH = 255;

// C0 and C1 control characters, and bidirectional overrides that can disguise "gpj.exe" as "exe.jpg".
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

export type FilenameCheck = { ok: true; sanitized: string } | { ok: false; reason: string };

/**
 * The user's filename is kept only as metadata (`x-amz-meta-original-filename`): keys never use it.
 * Names no browser would send are refused with a reason; anything else is reduced to a safe ASCII form,
 * since S3 sends metadata as HTTP headers.
 */
export const checkFilename = (name: string): FilenameCheck => {
  if (name.length > MAX_FILENAME_LENGTH)
    return { ok: false, reason: `must be at most ${MAX_FILENAME_LENGTH} characters, got ${name.length}` };
  if (FORBIDDEN.test(name))
    return { ok: false, reason: "must not contain control characters or bidirectional overrides" };
  if (name.includes("/") || name.includes("\\"))
    return { ok: false, reason: "must be a file name, not a path (no / or \\)" };
  if (/^[\s.]*$/u.test(name)) return { ok: false, reason: "must contain more than dots and spaces" };
  const sanitized = name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // "é" decomposes to "e" + a combining accent: keep the letter
    .replace(/[^A-Za-z0-9 ._()-]/g, "_")
    .replace(/_{2,}/g, "_")
    .replace(/\s+/g, " ")
    .trim();
  return { ok: true, sanitized: sanitized.length > 0 ? sanitized : "_" };
};
