import { compareKeys } from "./key-order.js";
import type { ImageRefs } from "./ports.js";

/** The database handed back keys out of byte order: merging against S3 would then misjudge references. */
export class KeyOrderError extends Error {
  override name = "KeyOrderError";
}

/**
 * The referenced keys as a forward-only stream, one keyset page in memory at a time. Asked about keys in
 * ascending order (the S3 listing's), it answers "is this key referenced?" by advancing past smaller keys.
 */
export const createRefCursor = (refs: ImageRefs, after: string, pageSize: number) => {
  let page: string[] = [];
  let index = 0;
  let cursor = after;
  let done = false;

  const fetchPage = async () => {
    const keys = await refs.keysAfter(cursor, pageSize);
    // A collation other than byte order would make a referenced key look absent and get it deleted: refuse.
    let previous = cursor;
    for (const key of keys) {
      if (compareKeys(key, previous) <= 0)
        throw new KeyOrderError(
          `images keys are not in byte order (${JSON.stringify(key)} after ${JSON.stringify(previous)}): is the column COLLATE "C"?`,
        );
      previous = key;
    }
    page = keys;
    index = 0;
    cursor = keys.at(-1) ?? cursor;
    done = keys.length < pageSize;
  };

  return {
    async isReferenced(key: string): Promise<boolean> {
      for (;;) {
        while (index < page.length && compareKeys(page[index]!, key) < 0) index++;
        if (index < page.length) return page[index] === key;
        if (done) return false;
        await fetchPage();
      }
    },
  };
};
