import {
  type ImageContentType,
  imageIdOfKey,
  PREFIXES,
  quarantineKeyOf,
  variantsPrefixOf,
} from "@lambda-lab/shared";
import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareKeys } from "../../src/key-order.js";
import {
  createMemoryLedger,
  createMemoryRefs,
  derivedKeysFor,
  tempStateRoot,
  uploadKey,
} from "../support/fakes.js";
import { makeTestHandler, runToEnd } from "../support/harness.js";

const NOW = new Date("2025-06-01T00:00:00Z");
const GRACE_MS = 24 * 3_600_000;

const image = fc.record({
  referenced: fc.boolean(),
  // Around the grace period's edge, including exactly on it (still too young) and a millisecond past it.
  ageMs: fc.oneof(
    fc.integer({ min: 0, max: 3 * GRACE_MS }),
    fc.constantFrom(GRACE_MS - 1, GRACE_MS, GRACE_MS + 1),
  ),
  derived: fc.constantFrom("variants", "quarantined", "none") as fc.Arbitrary<
    "variants" | "quarantined" | "none"
  >,
  type: fc.constantFrom<ImageContentType>("image/jpeg", "image/png", "image/webp"),
});

describe("property: random datasets", () => {
  it("never deletes a referenced or too-young object, and a finished run leaves no orphan", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(image, { maxLength: 60 }),
        fc.array(fc.string({ unit: "binary", maxLength: 12 }), { maxLength: 4 }),
        fc.integer({ min: 1, max: 9 }),
        fc.option(fc.integer({ min: 3, max: 40 }), { nil: undefined }),
        fc.integer({ min: 1, max: 80 }),
        async (images, strayNames, pageSize, cut, maxDeletes) => {
          // Prepare
          const store = createMemoryObjectStore(() => NOW);
          const entries = images.map((spec, n) => {
            const lastModified = new Date(NOW.getTime() - spec.ageMs);
            const key = uploadKey(n, lastModified, spec.type);
            const derived = derivedKeysFor(key, spec.derived);
            store.seed(key, "o", { lastModified });
            for (const d of derived) store.seed(d, "d", { lastModified });
            return { ...spec, key, derived };
          });
          const strays = strayNames.map((name) => `uploads/${name}`);
          for (const key of strays) store.seed(key, "s", { lastModified: new Date(0) });
          // References include keys with no object behind them: the merge must skip them.
          const refs = createMemoryRefs([
            ...entries.filter((e) => e.referenced).map((e) => e.key),
            ...strays,
            "uploads/0000/dangling.jpg",
          ]);
          const { handler } = makeTestHandler({
            store,
            refs,
            ledger: createMemoryLedger(),
            stateRoot: await tempStateRoot(),
            now: () => NOW,
            pageSize,
            env: { MAX_DELETES: 80 },
          });

          // Act
          const final = (await runToEnd(handler, { maxDeletes }, cut)).at(-1)!;

          // Assess
          const protectedEntries = entries.filter((e) => e.referenced || e.ageMs <= GRACE_MS);
          for (const e of protectedEntries) {
            expect(store.objects.has(e.key)).toBe(true);
            for (const d of e.derived) expect(store.objects.has(d)).toBe(true);
          }
          for (const key of strays) expect(store.objects.has(key)).toBe(true);
          const orphans = entries.filter((e) => !e.referenced && e.ageMs > GRACE_MS);
          const gone = orphans.filter((e) => !store.objects.has(e.key));
          expect(final.deleted).toBe(gone.length);
          expect(gone.length).toBeLessThanOrEqual(maxDeletes);
          for (const e of gone) for (const d of e.derived) expect(store.objects.has(d)).toBe(false);
          if (final.status === "completed") expect(gone.length).toBe(orphans.length);
          else
            expect(final).toMatchObject({
              status: "stopped",
              stopReason: "max-deletes",
              deleted: maxDeletes,
            });
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});

/**
 * What the README promises to delete with an orphan, and nothing else: every key under `variants/<id>/`
 * (a "/"-terminated prefix) and the one key `quarantine/<id>.json`.
 */
const isDocumentedDerived = (imageId: string, key: string) =>
  key.startsWith(variantsPrefixOf(imageId)) || key === quarantineKeyOf(imageId);

/**
 * Keys that share a prefix with an image's derived keys without being one. The characters are those that
 * sort differently in S3's UTF-8 byte order and in s3rver's (one directory per "/", files suffixed
 * `._S3rver_object`, so `K-old` lists before `K` there and after it in S3): `-`, `_`, `.`, `/`, `!` and
 * space around the delimiter, U+E000..U+FFFF against characters beyond U+FFFF (UTF-16 and UTF-8 disagree).
 */
const lookAlikeUnit = fc.constantFrom(
  "-",
  "_",
  ".",
  "/",
  "!",
  " ",
  "a",
  "0",
  "\uFFFD",
  "\uE000",
  "\u{1F600}",
);
const lookAlike = fc.record({
  image: fc.nat(),
  // `{id}` is the image id, `{id~}` the id less its last character (a neighbour sharing a prefix).
  base: fc.constantFrom(
    "variants/{id}",
    "variants/{id~}",
    "quarantine/{id}",
    "quarantine/{id}.jso",
    "quarantine/{id}.json",
    "uploads/{id}.jpg",
  ),
  suffix: fc.oneof(
    fc.constantFrom(
      ".bak",
      "-old",
      "_1",
      "/x",
      ".",
      "-",
      "_",
      "/",
      "/thumb.webp",
      ".json",
      "\uFFFD",
      "\u{1F600}",
    ),
    fc.string({ unit: lookAlikeUnit, minLength: 1, maxLength: 4 }),
  ),
});

describe("property: look-alike keys", () => {
  it("deletes nothing outside an orphan's documented derived set, in a dry run and a real run", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(image, { minLength: 1, maxLength: 25 }),
        fc.array(lookAlike, { maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        fc.option(fc.integer({ min: 3, max: 40 }), { nil: undefined }),
        async (images, lookAlikes, pageSize, cut) => {
          for (const dryRun of [true, false]) {
            // Prepare
            const store = createMemoryObjectStore(() => NOW);
            const entries = images.map((spec, n) => {
              const lastModified = new Date(NOW.getTime() - spec.ageMs);
              const key = uploadKey(n, lastModified, spec.type);
              return { ...spec, key, lastModified, imageId: imageIdOfKey(key)! };
            });
            for (const e of entries) {
              store.seed(e.key, "o", { lastModified: e.lastModified });
              for (const d of derivedKeysFor(e.key, e.derived))
                store.seed(d, "d", { lastModified: e.lastModified });
            }
            for (const l of lookAlikes) {
              const owner = entries[l.image % entries.length]!;
              // Old enough and unreferenced: a look-alike original would be deleted if it were managed.
              const base = l.base.replace("{id~}", owner.imageId.slice(0, -1)).replace("{id}", owner.imageId);
              store.seed(base + l.suffix, "l", { lastModified: new Date(0) });
            }
            const before = new Set(store.objects.keys());
            const { handler } = makeTestHandler({
              store,
              refs: createMemoryRefs(entries.filter((e) => e.referenced).map((e) => e.key)),
              ledger: createMemoryLedger(),
              stateRoot: await tempStateRoot(),
              now: () => NOW,
              pageSize,
            });

            // Act
            const final = (await runToEnd(handler, { dryRun }, cut)).at(-1)!;

            // Assess
            const orphans = entries
              .filter((e) => !e.referenced && e.ageMs > GRACE_MS)
              .sort((a, b) => compareKeys(a.key, b.key));
            const documented = (e: (typeof entries)[number]) =>
              [...before].filter((key) => isDocumentedDerived(e.imageId, key));
            expect(final.status).toBe("completed");
            expect(final.orphans).toBe(orphans.length);
            expect(final.derivedFound).toBe(orphans.reduce((n, e) => n + documented(e).length, 0));
            const allowed = dryRun
              ? new Set<string>()
              : new Set(orphans.flatMap((e) => [e.key, ...documented(e)]));
            const after = new Set(store.objects.keys());
            for (const key of before)
              if (!allowed.has(key) && !key.startsWith(PREFIXES.reports))
                expect(after.has(key), key).toBe(true);
            for (const key of allowed) expect(after.has(key), key).toBe(false);
            if (!dryRun) expect(final.derivedDeleted).toBe(allowed.size - orphans.length);
          }
        },
      ),
      { numRuns: 100 },
    );
  }, 120_000);
});
