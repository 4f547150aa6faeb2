import type { ObjectStore } from "@lambda-lab/shared";
import type { MemoryObjectStore } from "@lambda-lab/shared/testing";
import { derivedKeysFor, uploadKey } from "./fakes.js";

export interface DatasetImage {
  key: string;
  lastModified: Date;
  referenced: boolean;
  /** Younger than a 24 h grace period. */
  young: boolean;
  derived: string[];
}

export interface Dataset {
  images: DatasetImage[];
  /** Under uploads/ but not in the upload function's layout. */
  unmanaged: string[];
  referencedKeys: string[];
  /** Originals a correct run deletes, with their derived keys. */
  orphans: DatasetImage[];
}

/** A small deterministic PRNG (mulberry32), so datasets are the same on every run. */
export const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/**
 * `count` originals spread over a few days before `now`: ~60 % referenced, ~10 % younger than a day,
 * ~80 % with variants + manifest, ~10 % quarantined; plus a few hand-placed keys outside the layout.
 */
export const makeDataset = (count: number, now: Date, seed = 1): Dataset => {
  const random = prng(seed);
  const images: DatasetImage[] = [];
  for (let n = 0; n < count; n++) {
    const young = random() < 0.1;
    const lastModified = new Date(
      now.getTime() - (young ? 3_600_000 : 26 * 3_600_000 + Math.floor(random() * 4 * 86_400_000)),
    );
    const kindRoll = random();
    const kind = kindRoll < 0.8 ? "variants" : kindRoll < 0.9 ? "quarantined" : "none";
    const key = uploadKey(n, lastModified);
    images.push({ key, lastModified, referenced: random() < 0.6, young, derived: derivedKeysFor(key, kind) });
  }
  const unmanaged = ["uploads/README.txt", "uploads/2020/01/01/not-a-ulid.jpg", "uploads/ü-🙂.png"];
  return {
    images,
    unmanaged,
    referencedKeys: images.filter((image) => image.referenced).map((image) => image.key),
    orphans: images.filter((image) => !image.referenced && !image.young),
  };
};

const OLD = new Date("2020-01-01T00:00:00Z");

export const seedMemory = (store: MemoryObjectStore, dataset: Dataset): void => {
  for (const image of dataset.images) {
    store.seed(image.key, "original", { contentType: "image/jpeg", lastModified: image.lastModified });
    for (const derived of image.derived) store.seed(derived, "derived", { lastModified: image.lastModified });
  }
  for (const key of dataset.unmanaged) store.seed(key, "hand-placed", { lastModified: OLD });
};

/**
 * Puts part of a dataset into a real S3 (s3rver), where LastModified is the upload time: tests seed the old
 * images, note the time, then seed the young ones, and run with a clock that puts the cutoff between.
 */
export const seedStore = async (
  store: ObjectStore,
  dataset: Dataset,
  which: "old" | "young",
): Promise<void> => {
  const keys = [
    ...dataset.images
      .filter((image) => image.young === (which === "young"))
      .flatMap((image) => [image.key, ...image.derived]),
    ...(which === "old" ? dataset.unmanaged : []),
  ];
  for (let i = 0; i < keys.length; i += 16)
    await Promise.all(
      keys.slice(i, i + 16).map((key) => store.put(key, "x", { contentType: "application/octet-stream" })),
    );
};

/** The keys a correct run leaves in the bucket (reports aside). */
export const survivorsOf = (dataset: Dataset): string[] => {
  const gone = new Set(dataset.orphans.flatMap((image) => [image.key, ...image.derived]));
  return [...dataset.images.flatMap((image) => [image.key, ...image.derived]), ...dataset.unmanaged].filter(
    (key) => !gone.has(key),
  );
};
