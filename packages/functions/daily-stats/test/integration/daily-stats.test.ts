import { readFileSync } from "node:fs";
import { migrate } from "@lambda-lab/db";
import { freePort, type LocalPostgres, startLocalPostgres } from "@lambda-lab/db/testing";
import type { ObjectStore } from "@lambda-lab/shared";
import { createS3ObjectStore, type LocalS3, startLocalS3 } from "@lambda-lab/shared/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, dayWindow, localDateOf } from "../../src/calendar.js";
import type { DailyReport } from "../../src/daily-stats.js";
import { makeHandler } from "../../src/handler.js";
import { createPgStatsDatabase } from "../../src/pg-stats-database.js";
import { makeContext, makeLogger, makeManifest, makeMarker, uploadKey } from "../support/factories.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const JPEG = fixture("Landscape_1.jpg");
const PNG = fixture("16-bit-grey-alpha.png");
const GIF = fixture("animated-loop-3.gif");

/**
 * s3rver stamps LastModified with the real clock, so the day under test is today. Pick a zone where today
 * is hours from its midnight, so a slow run cannot straddle two days.
 */
const pickZone = (now: Date): string => {
  for (const zone of ["Asia/Seoul", "America/New_York", "UTC", "Pacific/Kiritimati"]) {
    const window = dayWindow(localDateOf(now, zone), zone);
    const HOUR = 3_600_000;
    if (now.getTime() - window.start.getTime() > HOUR && window.end.getTime() - now.getTime() > 2 * HOUR)
      return zone;
  }
  throw new Error("no zone is far enough from midnight");
};

interface Row {
  day: string;
  time_zone: string;
  uploads: number;
  upload_bytes: string;
  uploads_by_type: Record<string, number>;
  bytes_by_type: Record<string, number>;
  variants: number;
  quarantined: number;
  orphans_deleted: number;
  computed_at: Date;
}

describe("daily-stats against PostgreSQL and s3rver", () => {
  let db: LocalPostgres;
  let s3: LocalS3;
  let admin: pg.Client;
  let store: ObjectStore;
  const zone = pickZone(new Date());
  const today = localDateOf(new Date(), zone);
  const yesterday = addDays(today, -1);
  const todayWindow = dayWindow(today, zone);

  const rowsOf = async (day: string) =>
    (await admin.query<Row>("select *, day::text as day from daily_stats where day = $1", [day])).rows;
  const reportOf = async (day: string) => {
    const object = await store.get(`reports/daily/${day}.json`);
    return object ? (JSON.parse(object.body.toString("utf8")) as DailyReport) : undefined;
  };
  const run = (event: unknown, options: { store?: ObjectStore; url?: string } = {}) =>
    makeHandler(
      {
        store: options.store ?? store,
        database: createPgStatsDatabase({
          connectionConfig: async () => ({ connectionString: options.url ?? db.url }),
          connectTimeoutMs: 3_000,
        }),
        logger: makeLogger(),
        now: () => new Date(),
      },
      { TIME_ZONE: zone },
    )(event, makeContext());
  const addCleanupRun = (id: string, finishedAt: Date | null, dryRun: boolean, deleted: number) =>
    admin.query(
      `insert into cleanup_runs (run_id, started_at, finished_at, dry_run, status, scanned, deleted)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        id,
        new Date(todayWindow.start.getTime() - 3_600_000),
        finishedAt,
        dryRun,
        finishedAt ? "completed" : "running",
        1000,
        deleted,
      ],
    );

  beforeAll(async () => {
    [db, s3] = await Promise.all([startLocalPostgres(), startLocalS3()]);
    await migrate({ connection: { connectionString: db.url } });
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    store = createS3ObjectStore(s3.client, s3.bucket);

    const now = new Date();
    const put = (key: string, body: Buffer | string, contentType: string) =>
      store.put(key, body, { contentType });
    const jpegA = uploadKey(now, "image/jpeg", 1);
    const jpegB = uploadKey(now, "image/jpeg", 2);
    const png = uploadKey(now, "image/png", 3);
    const gif = uploadKey(now, "image/gif", 4);
    await put(jpegA, JPEG, "image/jpeg");
    await put(jpegB, JPEG, "image/jpeg");
    await put(png, PNG, "image/png");
    await put(gif, GIF, "image/gif");
    for (const [source, variants] of [
      [jpegA, 3],
      [png, 2],
    ] as const) {
      const manifest = makeManifest(source, new Date(), variants);
      await put(manifest.key, manifest.body, "application/json");
    }
    // Written today, but stamped two days ago (a copy of an old manifest): not a variant made today.
    const old = makeManifest(jpegB, new Date(now.getTime() - 2 * 86_400_000), 4);
    await put(old.key, old.body, "application/json");
    const marker = makeMarker(gif, new Date());
    await put(marker.key, marker.body, "application/json");

    await addCleanupRun("today-1", new Date(), false, 4);
    await addCleanupRun("today-2", new Date(), false, 2);
    await addCleanupRun("today-dry", new Date(), true, 50);
    await addCleanupRun("still-running", null, false, 9);
    await addCleanupRun("yesterday", new Date(todayWindow.start.getTime() - 1000), false, 7);
  });

  afterAll(async () => {
    await admin?.end();
    await Promise.all([db?.stop(), s3?.stop()]);
  });

  it("computes a day from the bucket and the cleanup runs, upserting its row and writing its report", async () => {
    const result = await run({ date: today });

    const byType = { "image/jpeg": 2, "image/png": 1, "image/webp": 0, "image/gif": 1, "image/avif": 0 };
    const bytesByType = {
      "image/jpeg": 2 * JPEG.length,
      "image/png": PNG.length,
      "image/webp": 0,
      "image/gif": GIF.length,
      "image/avif": 0,
    };
    const uploadBytes = 2 * JPEG.length + PNG.length + GIF.length;
    expect(result).toMatchObject({
      day: today,
      timeZone: zone,
      uploads: 4,
      uploadBytes,
      uploadsByType: byType,
      bytesByType,
      variants: 5,
      quarantined: 1,
      orphansDeleted: 6,
      imagesTransformed: 2,
      reportKey: `reports/daily/${today}.json`,
    });
    const [row, ...others] = await rowsOf(today);
    expect(others).toEqual([]);
    expect(row).toMatchObject({
      time_zone: zone,
      uploads: 4,
      upload_bytes: String(uploadBytes),
      uploads_by_type: byType,
      bytes_by_type: bytesByType,
      variants: 5,
      quarantined: 1,
      orphans_deleted: 6,
    });
    expect(row?.computed_at.toISOString()).toBe(result.computedAt);
    expect(await reportOf(today)).toMatchObject({
      version: 1,
      day: today,
      uploads: 4,
      uploadBytes,
      variants: 5,
      quarantined: 1,
      orphansDeleted: 6,
      computedAt: result.computedAt,
      window: { start: todayWindow.start.toISOString(), end: todayWindow.end.toISOString() },
    });
  });

  it("replaces the day's row and report when the day is computed again", async () => {
    const first = await run({ date: today });
    await store.put(uploadKey(new Date(), "image/png", 5), PNG, { contentType: "image/png" });
    await addCleanupRun("today-3", new Date(), false, 1);

    const second = await run({ date: today });

    const rows = await rowsOf(today);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ uploads: first.uploads + 1, orphans_deleted: first.orphansDeleted + 1 });
    expect(rows[0]?.computed_at.getTime()).toBeGreaterThan(new Date(first.computedAt).getTime());
    expect(await reportOf(today)).toMatchObject({
      uploads: first.uploads + 1,
      computedAt: second.computedAt,
    });
  });

  it("computes yesterday for an empty schedule input", async () => {
    const result = await run({});

    expect(result.day).toBe(yesterday);
    expect((await rowsOf(yesterday))[0]).toMatchObject({ uploads: 0, orphans_deleted: 7 });
    expect(await reportOf(yesterday)).toMatchObject({ day: yesterday, orphansDeleted: 7 });
  });

  it("fails clearly and writes nothing when the database is down", async () => {
    const nobodyListens = `postgres://postgres:postgres@127.0.0.1:${await freePort()}/lab`;

    await expect(run({ date: "2025-01-15" }, { url: nobodyListens })).rejects.toThrow(
      /daily-stats: database connect failed: .*ECONNREFUSED/,
    );

    expect(await rowsOf("2025-01-15")).toEqual([]);
    expect(await reportOf("2025-01-15")).toBeUndefined();
  });

  it("keeps the earlier row and report when the database connection drops mid-run", async () => {
    const before = { rows: await rowsOf(today), report: await store.head(`reports/daily/${today}.json`) };
    await store.put(uploadKey(new Date(), "image/jpeg", 6), JPEG, { contentType: "image/jpeg" });
    // A failover while the bucket is being listed: the server ends the function's connection.
    const failingOver: ObjectStore = {
      ...store,
      async listPage(prefix, options) {
        await admin.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'daily-stats'",
        );
        return store.listPage(prefix, options);
      },
    };

    await expect(run({ date: today }, { store: failingOver })).rejects.toThrow(
      /daily-stats: database read cleanup runs failed: /,
    );

    expect(await rowsOf(today)).toEqual(before.rows);
    expect((await store.head(`reports/daily/${today}.json`))?.etag).toBe(before.report?.etag);
  });

  it("runs through the composition root with the deployed environment variables", async () => {
    Object.assign(process.env, {
      BUCKET_NAME: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      DATABASE_URL: db.url,
      TIME_ZONE: zone,
      POWERTOOLS_LOG_LEVEL: "WARN",
    });
    const { handler } = await import("../../src/index.js");
    const connections = await admin.query(
      "select count(*)::int as n from pg_stat_activity where application_name = 'daily-stats'",
    );
    expect(connections.rows[0]?.n).toBe(0); // importing connects to nothing

    const result = await handler({ date: today }, makeContext());

    expect(result.uploads).toBe((await rowsOf(today))[0]?.uploads);
    expect(result.uploads).toBe(6);
    expect((await reportOf(today))?.computedAt).toBe(result.computedAt);
  });
});
