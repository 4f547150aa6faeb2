// S3 requests daily-stats makes for one day, beside the minimum, over an in-memory bucket. The memory store
// answers instantly, so the throughput column measures the function's own work, not S3's latency.
import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import { dayWindow } from "../src/calendar.js";
import { computeDailyStats } from "../src/daily-stats.js";
import { manifestPrefixes, quarantinePrefixes } from "../src/derived.js";
import { uploadPrefixes } from "../src/uploads.js";
import { makeLogger, makeManifest, makeMarker, uploadKey } from "../test/support/factories.js";
import { createMemoryStatsDatabase } from "../test/support/memory-stats-database.js";

const DAY = dayWindow("2025-11-25", "Asia/Seoul");
const SPAN = DAY.end.getTime() - DAY.start.getTime();

const runCase = async (uploads: number) => {
  const store = createMemoryObjectStore(() => DAY.end);
  // A day's uploads spread over the day, one in ten transformed with three variants, one in a hundred quarantined;
  // the same again the day before, which shares a UTC folder with this day and must be listed past.
  for (let n = 0; n < 2 * uploads; n++) {
    const time = new Date(DAY.start.getTime() - SPAN + (n * SPAN) / uploads);
    const key = uploadKey(time, "image/jpeg", n);
    store.seed(key, Buffer.alloc(64), { lastModified: time });
    if (n % 10 === 0) {
      const { key: manifestKey, body } = makeManifest(key, time, 3);
      store.seed(manifestKey, body, { lastModified: time });
    } else if (n % 100 === 1) {
      const marker = makeMarker(key, time);
      store.seed(marker.key, marker.body, { lastModified: time });
    }
  }
  const listed = (prefixes: string[]) =>
    prefixes.reduce((sum, prefix) => {
      const count = [...store.objects.keys()].filter((key) => key.startsWith(prefix)).length;
      return sum + Math.max(1, Math.ceil(count / 1000));
    }, 0);
  const minimumLists = listed([...uploadPrefixes(DAY), ...manifestPrefixes(DAY), ...quarantinePrefixes(DAY)]);
  const db = createMemoryStatsDatabase();
  const startedAt = performance.now();
  const result = await computeDailyStats(DAY, {
    store,
    database: db.database,
    logger: makeLogger(),
    now: () => DAY.end,
  });
  const ms = performance.now() - startedAt;
  return {
    uploads,
    counted: result.uploads,
    lists: `${store.calls.listPage} / ${minimumLists}`,
    gets: `${store.calls.get} / ${result.imagesTransformed + result.quarantined}`,
    ms: Math.round(ms),
    objectsPerSecond: Math.round((store.objects.size / ms) * 1000),
    rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
  };
};

const rows = [];
for (const uploads of [10_000, 50_000]) rows.push(await runCase(uploads));
console.log(
  "daily-stats over an in-memory bucket: lists made / minimum (ceil(keys/1000) per listed prefix); GETs made / manifests and markers of the day (the rest are near the day's edges); objects/s is the function's own work plus the fake's O(n) page scan",
);
console.table(rows);
