import { manifestKeyOf, originalKey, quarantineKeyOf, variantKeyOf } from "@lambda-lab/shared";

/**
 * The benchmark's bucket, generated from image numbers rather than stored: image i's keys, flags and age are
 * pure functions of i, so the parent (seeding PostgreSQL) and the measured child agree without sharing memory,
 * and the child's RSS is the function's, not the dataset's.
 */
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const BASE_TIME = Date.parse("2025-01-01T00:00:00Z");
/** Variant files in key order (what `variants/<id>/` lists). */
export const VARIANT_FILES = ["manifest.json", "medium.webp", "thumb.webp"] as const;

const encode = (value: number, length: number): string => {
  let out = "";
  for (let i = 0; i < length; i++) {
    out = CROCKFORD[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
};

/** Image i's ULID: time part rises with i (so keys sort by i), random part is i itself. */
export const ulidOf = (i: number): string => encode(BASE_TIME + i * 1000, 10) + encode(i, 16);
export const imageNumberOfUlid = (ulid: string): number =>
  [...ulid.slice(10)].reduce((value, char) => value * 32 + CROCKFORD.indexOf(char), 0);

const hash = (i: number, salt: number): number => {
  let t = (i * 0x9e3779b1 + salt * 0x85ebca6b) | 0;
  t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
  t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
  return ((t ^ (t >>> 15)) >>> 0) / 4294967296;
};

export interface ImageSpec {
  key: string;
  id: string;
  referenced: boolean;
  young: boolean;
  derived: "variants" | "quarantined" | "none";
}

/** ~60 % referenced, ~10 % younger than the grace period, 80 % with 3 variant objects, 10 % quarantined. */
export const specOf = (i: number): ImageSpec => {
  const ulid = ulidOf(i);
  const key = originalKey(ulid, "image/jpeg");
  const roll = hash(i, 3);
  return {
    key,
    id: key.slice("uploads/".length, -".jpg".length),
    referenced: hash(i, 1) < 0.6,
    young: hash(i, 2) < 0.1,
    derived: roll < 0.8 ? "variants" : roll < 0.9 ? "quarantined" : "none",
  };
};

export const derivedKeysOf = (spec: ImageSpec): string[] =>
  spec.derived === "variants"
    ? VARIANT_FILES.map((file) => variantKeyOf(spec.id, file.split(".")[0]!, file.split(".")[1]!))
    : spec.derived === "quarantined"
      ? [quarantineKeyOf(spec.id)]
      : [];

// manifestKeyOf is how transform names the manifest: the variant list above must agree with it.
if (variantKeyOf("x", "manifest", "json") !== manifestKeyOf("x"))
  throw new Error("manifest key layout changed");

/** How many images make a bucket of about `objects` objects (3.5 objects per image on average). */
export const imagesFor = (objects: number): number => Math.round(objects / 3.5);

export const summarize = (images: number) => {
  let objects = 0;
  let orphans = 0;
  let orphanKeys = 0;
  let uploads = 0;
  let variants = 0;
  let quarantine = 0;
  for (let i = 0; i < images; i++) {
    const spec = specOf(i);
    const derived = derivedKeysOf(spec).length;
    objects += 1 + derived;
    uploads++;
    if (spec.derived === "variants") variants += derived;
    else quarantine += derived;
    if (!spec.referenced && !spec.young) {
      orphans++;
      orphanKeys += 1 + derived;
    }
  }
  return { objects, orphans, orphanKeys, uploads, variants, quarantine };
};
