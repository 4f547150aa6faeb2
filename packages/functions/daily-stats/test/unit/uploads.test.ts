import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import { describe, expect, it } from "vitest";
import { dayWindow } from "../../src/calendar.js";
import { countUploads, typeOfKey, uploadPrefixes } from "../../src/uploads.js";
import { uploadKey } from "../support/factories.js";

const SEOUL_DAY = dayWindow("2025-11-25", "Asia/Seoul"); // 2025-11-24T15:00Z … 2025-11-25T15:00Z
const at = (iso: string) => new Date(iso);

/** The memory store, recording every prefix listed. */
const makeStore = () => {
  const store = createMemoryObjectStore();
  const listed: string[] = [];
  const listPage = store.listPage.bind(store);
  store.listPage = (prefix, options) => {
    listed.push(prefix);
    return listPage(prefix, options);
  };
  return { store, listed };
};

describe("countUploads", () => {
  it("counts and sums the originals made during the day, by type", async () => {
    const { store } = makeStore();
    const seed = (time: string, type: "image/jpeg" | "image/png" | "image/gif", bytes: number, n = 0) =>
      store.seed(uploadKey(at(time), type, n), Buffer.alloc(bytes), { lastModified: at(time) });
    seed("2025-11-24T15:30:00Z", "image/jpeg", 1000);
    seed("2025-11-25T03:00:00Z", "image/jpeg", 500, 1);
    seed("2025-11-25T14:59:59Z", "image/png", 200);
    seed("2025-11-25T10:00:00Z", "image/gif", 50);

    const stats = await countUploads(store, SEOUL_DAY);

    expect(stats).toEqual({
      uploads: 4,
      uploadBytes: 1750,
      uploadsByType: { "image/jpeg": 2, "image/png": 1, "image/webp": 0, "image/gif": 1, "image/avif": 0 },
      bytesByType: {
        "image/jpeg": 1500,
        "image/png": 200,
        "image/webp": 0,
        "image/gif": 50,
        "image/avif": 0,
      },
    });
  });

  it("includes the day's first instant and excludes the next day's", async () => {
    const { store } = makeStore();
    store.seed(uploadKey(at("2025-11-24T15:00:00Z")), "a", { lastModified: at("2025-11-24T15:00:00Z") });
    store.seed(uploadKey(at("2025-11-24T14:59:59Z")), "b", { lastModified: at("2025-11-24T14:59:59Z") });
    store.seed(uploadKey(at("2025-11-25T15:00:00Z")), "c", { lastModified: at("2025-11-25T15:00:00Z") });

    const stats = await countUploads(store, SEOUL_DAY);

    expect(stats.uploads).toBe(1);
    expect(stats.uploadBytes).toBe(1);
  });

  it("lists only the UTC date folders the day overlaps, not the bucket", async () => {
    const { store, listed } = makeStore();
    // Made during the day but filed under a date the day does not touch: proves no wider listing happens.
    store.seed("uploads/2025/11/20/stray.jpg", "x", { lastModified: at("2025-11-25T01:00:00Z") });

    const stats = await countUploads(store, SEOUL_DAY);

    expect(listed).toEqual(["uploads/2025/11/24/", "uploads/2025/11/25/"]);
    expect(stats.uploads).toBe(0);
  });

  it("counts an upload keyed on the previous UTC date whose PUT landed after midnight", async () => {
    const { store, listed } = makeStore();
    const utcDay = dayWindow("2025-11-25", "UTC");
    const issued = at("2025-11-24T23:58:00Z");
    store.seed(uploadKey(issued), "late", { lastModified: at("2025-11-25T00:02:00Z") });

    const stats = await countUploads(store, utcDay);

    expect(listed).toEqual(["uploads/2025/11/24/", "uploads/2025/11/25/"]);
    expect(stats.uploads).toBe(1);
  });

  it("follows the listing across pages of 1,000 keys", async () => {
    const { store } = makeStore();
    for (let n = 0; n < 2345; n++) {
      store.seed(uploadKey(at("2025-11-25T01:00:00Z"), "image/png", n), Buffer.alloc(2), {
        lastModified: at("2025-11-25T01:00:00Z"),
      });
    }

    const stats = await countUploads(store, SEOUL_DAY);

    expect(stats.uploads).toBe(2345);
    expect(stats.bytesByType["image/png"]).toBe(4690);
    expect(store.calls.listPage).toBe(1 + 3); // one empty folder, then three pages
  });

  it("counts unknown extensions as other", async () => {
    const { store } = makeStore();
    store.seed("uploads/2025/11/25/legacy-upload.heic", Buffer.alloc(9), {
      lastModified: at("2025-11-25T01:00:00Z"),
    });

    const stats = await countUploads(store, SEOUL_DAY);

    expect(stats.uploadsByType.other).toBe(1);
    expect(stats.bytesByType.other).toBe(9);
  });
});

describe("uploadPrefixes", () => {
  it("names two folders for a New York day", () => {
    expect(uploadPrefixes(dayWindow("2025-11-02", "America/New_York"))).toEqual([
      "uploads/2025/11/02/",
      "uploads/2025/11/03/",
    ]);
  });
});

describe("typeOfKey", () => {
  it("maps the lab's extensions to content types, case-insensitively", () => {
    expect(typeOfKey("uploads/2025/11/25/a.jpg")).toBe("image/jpeg");
    expect(typeOfKey("uploads/2025/11/25/a.WEBP")).toBe("image/webp");
    expect(typeOfKey("uploads/2025/11/25/no-extension")).toBe("other");
    expect(typeOfKey("uploads/2025/11/25/.avif")).toBe("other");
  });
});
