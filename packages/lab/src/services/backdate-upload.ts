import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { NoSuchObjectError, type S3Port } from "./s3/port.js";

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
 * "Make it N h old": the object's Last-Modified (read with S3's HEAD) moves back to N hours ago through the
 * S3 port's `backdate`, but never forward — backdating only ever adds age. A 72 h old upload asked to be 3 h
 * old stays 72 h old (it was made younger before, which could hide it from a cleanup run that should find it).
 */
export const backdateUpload = async (options: {
  s3: Pick<S3Port, "client" | "bucket" | "backdate">;
  key: string;
  hours: number;
  now?: number;
}): Promise<BackdateResult> => {
  const now = options.now ?? Date.now();
  const head = await options.s3.client
    .send(new HeadObjectCommand({ Bucket: options.s3.bucket, Key: options.key }))
    .catch(() => {
      throw new NoSuchObjectError(options.key);
    });
  if (!head.LastModified) throw new Error(`the lab's S3 reported no Last-Modified for ${options.key}`);
  const previous = head.LastModified.getTime();
  const target = now - options.hours * 3_600_000;
  const base = { key: options.key, previousLastModified: new Date(previous).toISOString() };
  if (target >= previous)
    return {
      ...base,
      lastModified: base.previousLastModified,
      changed: false,
      message: `already ${hoursText(now - previous)} old (older than ${options.hours} h): left as is`,
    };
  await options.s3.backdate(options.key, new Date(target));
  return {
    ...base,
    lastModified: new Date(target).toISOString(),
    changed: true,
    message: `now ${options.hours} h old (was ${hoursText(now - previous)})`,
  };
};
