import { type ObjectStore, PREFIXES, QuarantineMarker, VariantManifest } from "@lambda-lab/shared";
import type * as z from "zod/mini";
import { type DayWindow, utcDateFolders } from "./calendar.js";
import { listAll, mapLimit } from "./listing.js";

/**
 * Manifests and markers live under the image id, which carries the upload's UTC date. The transform runs
 * from the upload's S3 event, asynchronously, and Lambda retries such events for up to 6 hours, so an
 * image's outputs are written within a day of its upload: the folders of one day before the window hold
 * them all. (A manual re-transform of an older image is not counted; see the README.)
 */
export const DERIVED_KEY_LEAD_MS = 24 * 60 * 60 * 1000;

/**
 * The document's own timestamp decides its day, and is stamped before the object is written. LastModified
 * therefore trails it by at most one transform invocation (15 min) plus clock skew: objects outside this
 * margin are skipped without a GET.
 */
const WRITE_LAG_MS = 20 * 60 * 1000;
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** GETs in flight at once while reading manifests and markers. */
const READ_CONCURRENCY = 16;

export interface DerivedStats {
  /** Variants listed in the manifests created during the day. */
  variants: number;
  /** Manifests created during the day (images transformed). */
  manifests: number;
  /** Quarantine markers written during the day. */
  quarantined: number;
  /** Keys that were listed but could not be read or parsed: logged, not counted. */
  unreadable: string[];
}

const prefixesUnder = (top: string, window: DayWindow): string[] =>
  utcDateFolders(new Date(window.start.getTime() - DERIVED_KEY_LEAD_MS), window.end).map(
    (folder) => `${top}${folder}/`,
  );

export const manifestPrefixes = (window: DayWindow): string[] => prefixesUnder(PREFIXES.variants, window);
export const quarantinePrefixes = (window: DayWindow): string[] => prefixesUnder(PREFIXES.quarantine, window);

const inWindow = (time: Date, window: DayWindow) => time >= window.start && time < window.end;

/** Reads the JSON documents under `prefixes` whose own timestamp falls in the day. */
const readDatedDocuments = async <S extends z.ZodMiniType>(
  store: ObjectStore,
  window: DayWindow,
  options: {
    prefixes: string[];
    isDocument: (key: string) => boolean;
    schema: S;
    timeOf: (document: z.infer<S>) => string;
  },
): Promise<{ documents: z.infer<S>[]; unreadable: string[] }> => {
  const earliest = window.start.getTime() - CLOCK_SKEW_MS;
  const latest = window.end.getTime() + WRITE_LAG_MS;
  const candidates: string[] = [];
  for (const prefix of options.prefixes) {
    for await (const object of listAll(store, prefix)) {
      const written = object.lastModified.getTime();
      if (options.isDocument(object.key) && written >= earliest && written < latest)
        candidates.push(object.key);
    }
  }
  const read = await mapLimit(candidates, READ_CONCURRENCY, async (key) => {
    // Gone between list and get (orphan cleanup may delete it): nothing left to count.
    const object = await store.get(key);
    if (!object) return { key, document: undefined };
    try {
      const parsed = options.schema.safeParse(JSON.parse(object.body.toString("utf8")));
      return { key, document: parsed.success ? (parsed.data as z.infer<S>) : undefined };
    } catch {
      return { key, document: undefined };
    }
  });
  const documents: z.infer<S>[] = [];
  const unreadable: string[] = [];
  for (const { key, document } of read) {
    if (document === undefined) unreadable.push(key);
    else if (inWindow(new Date(options.timeOf(document)), window)) documents.push(document);
  }
  return { documents, unreadable };
};

/** Variants made (from the manifests created during the day) and images quarantined during the day. */
export const countDerived = async (store: ObjectStore, window: DayWindow): Promise<DerivedStats> => {
  const manifests = await readDatedDocuments(store, window, {
    prefixes: manifestPrefixes(window),
    isDocument: (key) => key.endsWith("/manifest.json"),
    schema: VariantManifest,
    timeOf: (manifest) => manifest.createdAt,
  });
  const markers = await readDatedDocuments(store, window, {
    prefixes: quarantinePrefixes(window),
    isDocument: (key) => key.endsWith(".json"),
    schema: QuarantineMarker,
    timeOf: (marker) => marker.quarantinedAt,
  });
  return {
    variants: manifests.documents.reduce((sum, manifest) => sum + manifest.variants.length, 0),
    manifests: manifests.documents.length,
    quarantined: markers.documents.length,
    unreadable: [...manifests.unreadable, ...markers.unreadable],
  };
};
