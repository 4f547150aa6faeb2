import { type ObjectStore, S3_BATCH_LIMIT } from "@lambda-lab/shared";
import { compareKeys } from "./key-order.js";

/**
 * Finds the keys under a rising sequence of prefixes inside one top-level prefix (`variants/<id>/`,
 * `quarantine/<id>.json`) with as few ListObjectsV2 calls as possible: it keeps the last page, answers from
 * it while the prefix asked for lies inside it, and otherwise seeks straight to the prefix with StartAfter.
 * So a dense run of orphans costs about one request per 1,000 derived keys, a sparse one at most one
 * request per orphan, and memory stays one page.
 *
 * Prefixes must be asked for in ascending order and must not contain one another (managed image ids have
 * one fixed length, so theirs never do).
 */
export const createPrefixScanner = (store: ObjectStore, root: string, pageSize = S3_BATCH_LIMIT) => {
  let page: string[] = [];
  let index = 0;
  /** Whether the last request reached the end of `root`: then every key still to come is in `page`. */
  let reachedEnd = false;
  let previous: string | undefined;

  return {
    async keysUnder(prefix: string): Promise<string[]> {
      if (previous !== undefined && (compareKeys(prefix, previous) <= 0 || prefix.startsWith(previous)))
        throw new Error(
          `prefixes must ascend without nesting: ${JSON.stringify(prefix)} after ${JSON.stringify(previous)}`,
        );
      previous = prefix;
      // Every key that starts with `prefix` sorts after the prefix minus its last character.
      const floor = prefix.slice(0, -1);
      const found: string[] = [];
      for (;;) {
        while (index < page.length && compareKeys(page[index]!, prefix) < 0) index++;
        while (index < page.length && page[index]!.startsWith(prefix)) found.push(page[index++]!);
        // A buffered key beyond the prefix's range, or nothing left to list: the prefix is complete.
        if (index < page.length || reachedEnd) return found;
        const last = page.at(-1);
        // Continue the listing while this prefix's keys run on; otherwise seek straight to the prefix.
        const startAfter = last !== undefined && compareKeys(last, floor) > 0 ? last : floor;
        const result = await store.listPage(root, { startAfter, maxKeys: pageSize });
        page = result.objects.map((object) => object.key);
        index = 0;
        reachedEnd = result.nextStartAfter === undefined;
      }
    },
  };
};
