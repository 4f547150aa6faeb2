import { type ObjectStore, S3_BATCH_LIMIT } from "@lambda-lab/shared";

export interface DeleteFailure {
  key: string;
  code: string;
  message: string;
}

export interface DeleteQueueEvents {
  originalDeleted(key: string): void;
  derivedDeleted(key: string): void;
  /** A key S3 refused (a per-key error inside a 200, or no verdict at all). */
  failed(failure: DeleteFailure & { original: boolean }): void;
  /** An original left in place because it or one of its derived objects could not be deleted. */
  originalKept(key: string): void;
  /** An original left in place because the database references it now (attached after the walk read it). */
  originalReferenced(key: string): void;
  /** After each DeleteObjects request has been accounted for: the moment to checkpoint. */
  flushed(): Promise<void>;
}

interface Image<P> {
  key: string;
  derivedLeft: number;
  derivedFailed: boolean;
  resolved: boolean;
  /** Opaque caller state from just before this image: where to resume if the image is still pending. */
  before: P;
}

interface Entry<P> {
  key: string;
  image: Image<P>;
  original: boolean;
}

/**
 * Batches deletions into DeleteObjects requests of up to 1,000 keys, spanning as many images as fit, so
 * requests stay close to ceil(keys / 1000). An original is queued only once S3 has confirmed every one of its
 * derived objects (variants, manifest, quarantine marker) deleted: if any of those fails, the original stays
 * and the next run finds it again, so a partial failure never leaves derived objects nobody can trace.
 * Each request's images are re-checked against the database (`referencedNow`) just before it is sent, so an
 * upload attached to a post during the run is never deleted; a failing check throws and nothing is sent.
 */
export const createDeleteQueue = <P>(
  store: ObjectStore,
  events: DeleteQueueEvents,
  referencedNow: (originals: readonly string[]) => Promise<Set<string>>,
) => {
  const queue: Entry<P>[] = [];
  /** Images not yet resolved, in key order. */
  let pending: Image<P>[] = [];
  let unresolved = 0;

  const resolve = (image: Image<P>) => {
    image.resolved = true;
    unresolved--;
  };

  const flushOne = async () => {
    const taken = queue.splice(0, S3_BATCH_LIMIT);
    // Every image with a key in this request is re-checked, so an upload attached during the run keeps its
    // original and whatever derived objects have not been sent yet.
    const images = [...new Set(taken.map((entry) => entry.image.key))];
    const referenced = await referencedNow(images);
    if (referenced.size > 0) {
      for (const entry of taken)
        if (referenced.has(entry.image.key) && !entry.image.resolved) {
          events.originalReferenced(entry.image.key);
          resolve(entry.image);
        }
      // Its keys still waiting for a later request go too.
      const rest = queue.splice(0).filter((entry) => !referenced.has(entry.image.key));
      queue.push(...rest);
    }
    const batch = taken.filter((entry) => !referenced.has(entry.image.key));
    const result =
      batch.length > 0
        ? await store.deleteMany(batch.map((entry) => entry.key))
        : { deleted: [], errors: [] };
    const failures = new Map(result.errors.map((failure) => [failure.key, failure]));
    const confirmed = new Set(result.deleted);
    for (const entry of batch) {
      const failure =
        failures.get(entry.key) ??
        (confirmed.has(entry.key)
          ? undefined
          : { key: entry.key, code: "NotConfirmed", message: "S3 reported neither Deleted nor Errors" });
      const image = entry.image;
      if (failure) events.failed({ ...failure, key: entry.key, original: entry.original });
      if (entry.original) {
        if (failure) events.originalKept(image.key);
        else events.originalDeleted(image.key);
        resolve(image);
        continue;
      }
      if (failure) image.derivedFailed = true;
      else events.derivedDeleted(entry.key);
      image.derivedLeft--;
      if (image.derivedLeft > 0) continue;
      if (image.derivedFailed) {
        events.originalKept(image.key);
        resolve(image);
      } else queue.push({ key: image.key, image, original: true });
    }
    const firstUnresolved = pending.findIndex((image) => !image.resolved);
    pending = firstUnresolved === -1 ? [] : pending.slice(firstUnresolved);
    await events.flushed();
  };

  return {
    /** Queues an orphan and its derived keys; sends full batches as they fill. */
    async add(key: string, derivedKeys: readonly string[], before: P): Promise<void> {
      const image: Image<P> = {
        key,
        derivedLeft: derivedKeys.length,
        derivedFailed: false,
        resolved: false,
        before,
      };
      pending.push(image);
      unresolved++;
      if (derivedKeys.length === 0) queue.push({ key, image, original: true });
      for (const derived of derivedKeys) queue.push({ key: derived, image, original: false });
      while (queue.length >= S3_BATCH_LIMIT) await flushOne();
    },
    /** Sends everything queued, including originals released by the last batch. */
    async drain(): Promise<void> {
      while (queue.length > 0) await flushOne();
    },
    /** Images queued but not yet resolved. */
    pendingCount: (): number => unresolved,
    /** The caller state from before the first unresolved image: everything before it is settled. */
    firstPendingBefore: (): P | undefined => pending.find((image) => !image.resolved)?.before,
  };
};
