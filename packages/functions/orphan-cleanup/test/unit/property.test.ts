import type { ImageContentType } from "@lambda-lab/shared";
import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
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
