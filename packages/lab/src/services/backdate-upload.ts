import { stat, utimes } from "node:fs/promises";
import { s3rverObjectPath } from "./demo-data.js";

export interface BackdateResult {
  key: string;
  /** Last-Modified before and after (ISO). Equal when nothing changed. */
  previousLastModified: string;
  lastModified: string;
  changed: boolean;
  /** What happened, in words for the page: "now 3 h old (was 12 min)" or "already 72 h old: left as is". */
  message: string;
}

const hoursText = (ms: number) => {
  const hours = ms / 3_600_000;
  return hours >= 1 ? `${Math.floor(hours * 10) / 10} h` : `${Math.round(ms / 60_000)} min`;
};

/**
 * "Make it N h old": the object's Last-Modified (s3rver's file mtime) moves back to N hours ago, but never
 * forward — backdating only ever adds age. A 72 h old upload asked to be 3 h old stays 72 h old (it was
 * made younger before, which could hide it from a cleanup run that should find it).
 */
export const backdateUpload = async (options: {
  s3Dir: string;
  bucket: string;
  key: string;
  hours: number;
  now?: number;
}): Promise<BackdateResult> => {
  const now = options.now ?? Date.now();
  const file = s3rverObjectPath(options.s3Dir, options.bucket, options.key);
  const before = await stat(file).catch(() => {
    throw new Error(`no object ${options.key} in the lab's S3`);
  });
  const previous = before.mtime.getTime();
  const target = now - options.hours * 3_600_000;
  const base = { key: options.key, previousLastModified: new Date(previous).toISOString() };
  if (target >= previous)
    return {
      ...base,
      lastModified: base.previousLastModified,
      changed: false,
      message: `already ${hoursText(now - previous)} old (older than ${options.hours} h): left as is`,
    };
  await utimes(file, new Date(target), new Date(target));
  return {
    ...base,
    lastModified: new Date(target).toISOString(),
    changed: true,
    message: `now ${options.hours} h old (was ${hoursText(now - previous)})`,
  };
};
