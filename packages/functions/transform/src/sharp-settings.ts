import sharp from "sharp";
import type { SharpSettings } from "./env.js";

/**
 * Applies process-wide sharp settings once per cold start. The libvips operation cache holds recent inputs
 * for reuse; a Lambda sees each image once, so a small cache only keeps memory from being returned. No
 * open-file cache at all: inputs are buffers.
 */
export const applySharpSettings = (settings: SharpSettings): void => {
  sharp.cache({ memory: settings.cacheMemoryMb, files: 0, items: 100 });
  if (settings.concurrency !== undefined) sharp.concurrency(settings.concurrency);
};
