import { type ObjectStore, S3_BATCH_LIMIT } from "@lambda-lab/shared";
import { compareKeys } from "./key-order.js";

/** A prefix without a trailing delimiter also matches look-alikes (`variants/<id>-old/…`): refuse it. */
export class PrefixWithoutDelimiterError extends Error {
  override name = "PrefixWithoutDelimiterError";
}

/**
 * Finds derived keys inside one top-level prefix (`variants/`, `quarantine/`) for a rising sequence of
 * images, with as few ListObjectsV2 calls as possible: it keeps the last page, answers from it while the
 * keys asked for lie inside it, and otherwise seeks straight to them with StartAfter. So a dense run of
 * orphans costs about one request per 1,000 derived keys, a sparse one at most one request per orphan,
 * and memory stays one page.
 *
 * It answers two questions only, the two shapes of the derived set the README promises: everything under a
 * "/"-terminated prefix (`variants/<id>/`) and one exact key (`quarantine/<id>.json`). Both are read from
 * the block of keys that start with that string; keys that merely share it (`quarantine/<id>.json.bak`,
 * `…/<id>.json-old`, `…/<id>.json/x`) sit in the same block and are passed over, never returned.
 *
 * Asks must ascend without one containing another (managed image ids have one fixed length, so theirs
 * never do).
 */
export const createPrefixScanner = (store: ObjectStore, root: string, pageSize = S3_BATCH_LIMIT) => {
  let page: string[] = [];
  let index = 0;
  /** Whether the last request reached the end of `root`: then every key still to come is in `page`. */
  let reachedEnd = false;
  let previous: string | undefined;

  /**
   * The keys of the block starting with `start` that `accept` takes. The block is contiguous in S3's byte
   * order; inside it, keys are taken whatever their order, so a store that orders a block differently
   * (s3rver lists `K-old` before `K`) still yields every match the page holds.
   */
  const scanBlock = async (start: string, accept: (key: string) => boolean): Promise<string[]> => {
    if (previous !== undefined && (compareKeys(start, previous) <= 0 || start.startsWith(previous)))
      throw new Error(
        `prefixes must ascend without nesting: ${JSON.stringify(start)} after ${JSON.stringify(previous)}`,
      );
    previous = start;
    // Every key that starts with `start` sorts after `start` minus its last character.
    const floor = start.slice(0, -1);
    const found: string[] = [];
    for (;;) {
      while (index < page.length && compareKeys(page[index]!, start) < 0) index++;
      for (; index < page.length && page[index]!.startsWith(start); index++)
        if (accept(page[index]!)) found.push(page[index]!);
      // A buffered key beyond the block, or nothing left to list: the block is complete.
      if (index < page.length || reachedEnd) return found;
      const last = page.at(-1);
      // Continue the listing while this block runs on; otherwise seek straight to it.
      const startAfter = last !== undefined && compareKeys(last, floor) > 0 ? last : floor;
      const result = await store.listPage(root, { startAfter, maxKeys: pageSize });
      page = result.objects.map((object) => object.key);
      index = 0;
      reachedEnd = result.nextStartAfter === undefined;
    }
  };

  return {
    /** Every key under `prefix`, which must end with "/" so that it cannot match a look-alike. */
    async keysUnder(prefix: string): Promise<string[]> {
      if (!prefix.endsWith("/"))
        throw new PrefixWithoutDelimiterError(
          `${JSON.stringify(prefix)} does not end with "/": it would also match keys that merely share it`,
        );
      return scanBlock(prefix, () => true);
    },
    /** `[key]` when the object exists, else `[]`: never a key that only starts with it. */
    async exactKey(key: string): Promise<string[]> {
      return scanBlock(key, (candidate) => candidate === key);
    },
  };
};
