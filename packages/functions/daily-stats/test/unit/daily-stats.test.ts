import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import { describe, expect, it } from "vitest";
import { dayWindow } from "../../src/calendar.js";
import { computeDailyStats, type DailyReport } from "../../src/daily-stats.js";
import { StatsDatabaseError } from "../../src/stats-database.js";
import { makeLogger, makeManifest, makeMarker, uploadKey } from "../support/factories.js";
import { createMemoryStatsDatabase } from "../support/memory-stats-database.js";

const DAY = dayWindow("2025-11-25", "Asia/Seoul"); // 2025-11-24T15:00Z … 2025-11-25T15:00Z
const at = (iso: string) => new Date(iso);
const COMPUTED_AT = at("2025-11-25T15:05:00Z");

const seedDay = (store: ReturnType<typeof createMemoryObjectStore>) => {
  const jpeg = uploadKey(at("2025-11-25T01:00:00Z"), "image/jpeg");
  const png = uploadKey(at("2025-11-25T02:00:00Z"), "image/png");
  store.seed(jpeg, Buffer.alloc(300), { lastModified: at("2025-11-25T01:00:01Z") });
  store.seed(png, Buffer.alloc(40), { lastModified: at("2025-11-25T02:00:01Z") });
  const manifest = makeManifest(jpeg, at("2025-11-25T01:00:04Z"), 3);
  store.seed(manifest.key, manifest.body, { lastModified: at("2025-11-25T01:00:05Z") });
  const marker = makeMarker(png, at("2025-11-25T02:00:03Z"));
  store.seed(marker.key, marker.body, { lastModified: at("2025-11-25T02:00:03Z") });
};

const cleanupRuns = () => [
  { finishedAt: at("2025-11-24T18:00:00Z"), dryRun: false, deleted: 12 },
  { finishedAt: at("2025-11-25T14:59:00Z"), dryRun: false, deleted: 3 },
  { finishedAt: at("2025-11-25T10:00:00Z"), dryRun: true, deleted: 99 },
  { finishedAt: at("2025-11-24T14:00:00Z"), dryRun: false, deleted: 50 },
  { finishedAt: null, dryRun: false, deleted: 7 },
];

const setup = () => {
  const store = createMemoryObjectStore(() => COMPUTED_AT);
  const db = createMemoryStatsDatabase(cleanupRuns());
  const logger = makeLogger();
  return { store, db, logger, deps: { store, database: db.database, logger, now: () => COMPUTED_AT } };
};

const readReport = async (store: ReturnType<typeof createMemoryObjectStore>, day: string) => {
  const object = await store.get(`reports/daily/${day}.json`);
  return object ? (JSON.parse(object.body.toString("utf8")) as DailyReport) : undefined;
};

describe("computeDailyStats", () => {
  it("upserts the day's row and writes the report with the same figures", async () => {
    const { store, db, deps } = setup();
    seedDay(store);

    const result = await computeDailyStats(DAY, deps);

    const expected = {
      day: "2025-11-25",
      timeZone: "Asia/Seoul",
      uploads: 2,
      uploadBytes: 340,
      uploadsByType: { "image/jpeg": 1, "image/png": 1, "image/webp": 0, "image/gif": 0, "image/avif": 0 },
      bytesByType: { "image/jpeg": 300, "image/png": 40, "image/webp": 0, "image/gif": 0, "image/avif": 0 },
      variants: 3,
      quarantined: 1,
      orphansDeleted: 15,
      computedAt: "2025-11-25T15:05:00.000Z",
    };
    expect(db.rows.get("2025-11-25")).toEqual(expected);
    expect(result).toEqual({
      ...expected,
      imagesTransformed: 1,
      unreadable: 0,
      reportKey: "reports/daily/2025-11-25.json",
    });
    expect(await readReport(store, "2025-11-25")).toEqual({
      version: 1,
      ...expected,
      window: { start: "2025-11-24T15:00:00.000Z", end: "2025-11-25T15:00:00.000Z" },
      imagesTransformed: 1,
      unreadableKeys: [],
    });
    expect(db.state.open).toBe(0);
  });

  it("replaces the row and the report when a day is computed again", async () => {
    const { store, db, deps } = setup();
    seedDay(store);
    await computeDailyStats(DAY, deps);
    store.seed(uploadKey(at("2025-11-25T05:00:00Z"), "image/webp"), Buffer.alloc(60), {
      lastModified: at("2025-11-25T05:00:00Z"),
    });
    db.runs.push({ finishedAt: at("2025-11-25T06:00:00Z"), dryRun: false, deleted: 5 });

    await computeDailyStats(DAY, { ...deps, now: () => at("2025-11-26T00:00:00Z") });

    expect([...db.rows.keys()]).toEqual(["2025-11-25"]);
    expect(db.rows.get("2025-11-25")).toMatchObject({
      uploads: 3,
      uploadBytes: 400,
      orphansDeleted: 20,
      computedAt: "2025-11-26T00:00:00.000Z",
    });
    expect(await readReport(store, "2025-11-25")).toMatchObject({ uploads: 3, orphansDeleted: 20 });
  });

  it("fails before any S3 work when the database cannot be reached", async () => {
    const { store, db, deps } = setup();
    seedDay(store);
    db.state.failOn = "connect";

    await expect(computeDailyStats(DAY, deps)).rejects.toThrow(/database connect failed/);

    expect(store.calls.listPage).toBe(0);
    expect(db.rows.size).toBe(0);
    expect(await readReport(store, "2025-11-25")).toBeUndefined();
  });

  it("keeps the earlier row and report when the database fails during a re-run", async () => {
    const { store, db, deps } = setup();
    seedDay(store);
    await computeDailyStats(DAY, deps);
    const before = {
      row: structuredClone(db.rows.get("2025-11-25")),
      report: await readReport(store, "2025-11-25"),
    };
    store.seed(uploadKey(at("2025-11-25T05:00:00Z"), "image/webp"), Buffer.alloc(60), {
      lastModified: at("2025-11-25T05:00:00Z"),
    });
    db.state.failOn = "save daily stats";

    const failure = computeDailyStats(DAY, { ...deps, now: () => at("2025-11-26T00:00:00Z") });

    await expect(failure).rejects.toBeInstanceOf(StatsDatabaseError);
    await expect(failure).rejects.toThrow(/database save daily stats failed: Connection terminated/);
    expect(db.rows.get("2025-11-25")).toEqual(before.row);
    expect(await readReport(store, "2025-11-25")).toEqual(before.report);
    expect(db.state.open).toBe(0);
  });

  it("writes nothing when listing the bucket fails", async () => {
    const { store, db, deps } = setup();
    seedDay(store);
    store.listPage = async () => {
      throw Object.assign(new Error("We encountered an internal error. Please try again."), {
        name: "InternalError",
      });
    };

    await expect(computeDailyStats(DAY, deps)).rejects.toThrow(/internal error/);

    expect(db.rows.size).toBe(0);
    expect(store.calls.put).toBe(0);
    expect(db.state.open).toBe(0);
  });

  it("warns about unreadable manifests and names them in the report", async () => {
    const { store, deps, logger } = setup();
    seedDay(store);
    const broken = makeManifest(
      uploadKey(at("2025-11-25T03:00:00Z"), "image/gif"),
      at("2025-11-25T03:00:00Z"),
      1,
    );
    store.seed(broken.key, JSON.stringify({ version: 2 }), { lastModified: at("2025-11-25T03:00:01Z") });

    const result = await computeDailyStats(DAY, deps);

    expect(result.unreadable).toBe(1);
    expect((await readReport(store, "2025-11-25"))?.unreadableKeys).toEqual([broken.key]);
    expect(logger.lines.filter((l) => l.level === "warn").map((l) => l.message)).toEqual([
      "skipped unreadable manifests or quarantine markers",
    ]);
  });
});
