import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import { describe, expect, it } from "vitest";
import { dayWindow } from "../../src/calendar.js";
import { countDerived, manifestPrefixes } from "../../src/derived.js";
import { makeManifest, makeMarker, uploadKey } from "../support/factories.js";

const SEOUL_DAY = dayWindow("2025-11-25", "Asia/Seoul"); // 2025-11-24T15:00Z … 2025-11-25T15:00Z
const at = (iso: string) => new Date(iso);

/** Seeds a manifest as the transform writes it: stamped at `createdAt`, stored a moment later. */
const seedManifest = (
  store: ReturnType<typeof createMemoryObjectStore>,
  sourceKey: string,
  createdAt: Date,
  variants: number,
  lastModified = new Date(createdAt.getTime() + 800),
) => {
  const { key, body, manifest } = makeManifest(sourceKey, createdAt, variants);
  store.seed(key, body, { lastModified, contentType: "application/json" });
  for (const variant of manifest.variants)
    store.seed(variant.key, Buffer.alloc(variant.bytes), { lastModified });
};

describe("countDerived", () => {
  it("counts the variants of the manifests created during the day", async () => {
    const store = createMemoryObjectStore();
    seedManifest(store, uploadKey(at("2025-11-25T02:00:00Z")), at("2025-11-25T02:00:05Z"), 3);
    seedManifest(store, uploadKey(at("2025-11-25T09:00:00Z"), "image/png"), at("2025-11-25T09:00:03Z"), 2);

    const stats = await countDerived(store, SEOUL_DAY);

    expect(stats).toMatchObject({ variants: 5, manifests: 2, quarantined: 0, unreadable: [] });
  });

  it("counts an image uploaded late the day before whose transform finished today", async () => {
    const store = createMemoryObjectStore();
    // Uploaded 23:59 Seoul on the 24th (UTC date 24th); an async retry finished it at 01:10 on the 25th.
    seedManifest(store, uploadKey(at("2025-11-24T14:59:00Z")), at("2025-11-24T16:10:00Z"), 4);

    const stats = await countDerived(store, SEOUL_DAY);

    expect(stats.variants).toBe(4);
  });

  it("decides the day by the manifest's createdAt, not by when the object was last written", async () => {
    const store = createMemoryObjectStore();
    // Created in the last second of the 24th (Seoul), stored a second later: on the 25th by LastModified.
    seedManifest(
      store,
      uploadKey(at("2025-11-24T14:58:00Z")),
      at("2025-11-24T14:59:59.500Z"),
      3,
      at("2025-11-24T15:00:01Z"),
    );
    // Created in the day's last second and stored just after it ended.
    seedManifest(
      store,
      uploadKey(at("2025-11-25T14:58:00Z")),
      at("2025-11-25T14:59:59.900Z"),
      2,
      at("2025-11-25T15:00:01Z"),
    );

    const stats = await countDerived(store, SEOUL_DAY);

    expect(stats.variants).toBe(2);
    expect(stats.manifests).toBe(1);
  });

  it("counts the quarantine markers written during the day", async () => {
    const store = createMemoryObjectStore();
    const marker = (time: string, n: number) => {
      const { key, body } = makeMarker(uploadKey(at(time), "image/jpeg", n), at(time));
      store.seed(key, body, { lastModified: at(time) });
    };
    marker("2025-11-24T16:00:00Z", 1);
    marker("2025-11-25T14:00:00Z", 2);
    marker("2025-11-24T14:00:00Z", 3); // the 24th in Seoul

    const stats = await countDerived(store, SEOUL_DAY);

    expect(stats.quarantined).toBe(2);
  });

  it("skips and names a manifest it cannot parse, without failing the day", async () => {
    const store = createMemoryObjectStore();
    seedManifest(store, uploadKey(at("2025-11-25T02:00:00Z")), at("2025-11-25T02:00:05Z"), 3);
    const broken = makeManifest(
      uploadKey(at("2025-11-25T03:00:00Z"), "image/jpeg", 7),
      at("2025-11-25T03:00:00Z"),
      1,
    );
    store.seed(broken.key, "{ not json", { lastModified: at("2025-11-25T03:00:01Z") });

    const stats = await countDerived(store, SEOUL_DAY);

    expect(stats.variants).toBe(3);
    expect(stats.unreadable).toEqual([broken.key]);
  });

  it("reads only manifests and markers written near the day, not every one listed", async () => {
    const store = createMemoryObjectStore();
    seedManifest(store, uploadKey(at("2025-11-23T16:00:00Z")), at("2025-11-23T16:00:05Z"), 3);
    seedManifest(store, uploadKey(at("2025-11-25T02:00:00Z")), at("2025-11-25T02:00:05Z"), 1);

    await countDerived(store, SEOUL_DAY);

    expect(store.calls.get).toBe(1);
  });
});

describe("manifestPrefixes", () => {
  it("covers the day's UTC dates and the one before", () => {
    expect(manifestPrefixes(SEOUL_DAY)).toEqual([
      "variants/2025/11/23/",
      "variants/2025/11/24/",
      "variants/2025/11/25/",
    ]);
  });
});
