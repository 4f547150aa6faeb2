import { type ListedObject, type ObjectStore, S3_BATCH_LIMIT } from "@lambda-lab/shared";

/** Every object under `prefix`, page by page (1,000 keys a request), so a caller can filter as it goes. */
export async function* listAll(store: ObjectStore, prefix: string): AsyncGenerator<ListedObject> {
  let startAfter: string | undefined;
  do {
    const page = await store.listPage(prefix, {
      maxKeys: S3_BATCH_LIMIT,
      ...(startAfter !== undefined ? { startAfter } : {}),
    });
    yield* page.objects;
    startAfter = page.nextStartAfter;
  } while (startAfter !== undefined);
}

/** Runs `work` over `items` with at most `limit` in flight: enough GETs in parallel without a request storm. */
export const mapLimit = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};
