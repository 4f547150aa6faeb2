import { randomFillSync } from "node:crypto";
import { ulid } from "ulid";

/**
 * ulid's default generator asks the OS for one random byte per character, 16 calls per id; drawing the
 * bytes from a pool refilled 4 KiB at a time keeps ids cryptographically random at a fraction of the
 * cost. byte/256 picks each of the 32 symbols with equal odds (256 = 8 × 32).
 */
const pool = Buffer.alloc(4096);
let next = pool.length;
const randomFraction = (): number => {
  if (next >= pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return (pool[next++] ?? 0) / 256;
};

/** A new upload id: a ULID whose timestamp is `now`, so its key lands in that day's folder. */
export const newUploadId = (now: Date): string => ulid(now.getTime(), randomFraction);

/** A ULID: Crockford base32, first character 0-7 so the time fits in 48 bits. */
const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** ULIDs are case-insensitive; keys use the canonical upper case. Undefined when `raw` is no ULID. */
export const normaliseUploadId = (raw: string): string | undefined => {
  const id = raw.toUpperCase();
  return ULID_PATTERN.test(id) ? id : undefined;
};
