import { IMAGE_TYPES, type ObjectStore, PREFIXES } from "@lambda-lab/shared";
import { type DayWindow, utcDateFolders } from "./calendar.js";
import { listAll } from "./listing.js";

/** The type bucket for an original whose extension is not one the lab issues. */
export const OTHER_TYPE = "other";

/**
 * An original's key is dated by its ULID, minted when the upload URL was issued; the PUT that sets
 * LastModified can come later, up to the presigned URL's lifetime. Listing the folder of this much before
 * the day's start catches an upload keyed on one UTC date and made on the next.
 */
export const UPLOAD_KEY_LEAD_MS = 60 * 60 * 1000;

export interface UploadStats {
  uploads: number;
  uploadBytes: number;
  /** Count per content type (every type the lab accepts, zero included; `other` only when seen). */
  uploadsByType: Record<string, number>;
  bytesByType: Record<string, number>;
}

const TYPE_OF_EXTENSION: ReadonlyMap<string, string> = new Map(
  Object.entries(IMAGE_TYPES).map(([contentType, extension]) => [extension, contentType]),
);

/** The content type an original's extension stands for (`uploads/…/x.jpg` → `image/jpeg`). */
export const typeOfKey = (key: string): string => {
  const name = key.slice(key.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return (dot > 0 && TYPE_OF_EXTENSION.get(name.slice(dot + 1).toLowerCase())) || OTHER_TYPE;
};

/** The `uploads/YYYY/MM/DD/` prefixes that can hold an original made during `window` (two, at most three). */
export const uploadPrefixes = (window: DayWindow): string[] =>
  utcDateFolders(new Date(window.start.getTime() - UPLOAD_KEY_LEAD_MS), window.end).map(
    (folder) => `${PREFIXES.uploads}${folder}/`,
  );

const inWindow = (time: Date, window: DayWindow) => time >= window.start && time < window.end;

/** Originals whose LastModified falls in the day, counted and summed by type. */
export const countUploads = async (store: ObjectStore, window: DayWindow): Promise<UploadStats> => {
  const stats: UploadStats = {
    uploads: 0,
    uploadBytes: 0,
    uploadsByType: Object.fromEntries(Object.keys(IMAGE_TYPES).map((type) => [type, 0])),
    bytesByType: Object.fromEntries(Object.keys(IMAGE_TYPES).map((type) => [type, 0])),
  };
  for (const prefix of uploadPrefixes(window)) {
    for await (const object of listAll(store, prefix)) {
      if (!inWindow(object.lastModified, window)) continue;
      const type = typeOfKey(object.key);
      stats.uploads += 1;
      stats.uploadBytes += object.size;
      stats.uploadsByType[type] = (stats.uploadsByType[type] ?? 0) + 1;
      stats.bytesByType[type] = (stats.bytesByType[type] ?? 0) + object.size;
    }
  }
  return stats;
};
