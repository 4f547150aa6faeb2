// One measured run in its own process (so peak RSS belongs to one size): the real handler and PostgreSQL
// adapter, over the generated in-memory bucket. Prints one JSON line for bench/run.ts.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeHandler } from "../src/handler.js";
import { createPgCleanupDb } from "../src/pg-cleanup-db.js";
import { createStateDir } from "../src/state-dir.js";
import { createGeneratedBucket } from "./generated-bucket.js";

const [imagesArg, url, latencyArg] = process.argv.slice(2);
const images = Number(imagesArg);
const latencyMs = Number(latencyArg);
if (!Number.isInteger(images) || !url || !Number.isFinite(latencyMs))
  throw new Error("usage: child.ts <images> <database url> <latency ms>");

const now = new Date();
const bucket = createGeneratedBucket(images, now, latencyMs);
const db = createPgCleanupDb(async () => ({ connectionString: url }));
const stateRoot = await mkdtemp(join(tmpdir(), "orphan-cleanup-bench-"));
const quiet = { info() {}, warn() {}, error() {} };
const handler = makeHandler(
  { store: bucket.store, refs: db, ledger: db, state: createStateDir(stateRoot), log: quiet, now: () => now },
  {
    GRACE_PERIOD_HOURS: 24,
    MAX_DELETES: 1_000_000,
    DRY_RUN: false,
    TIME_SAFETY_MARGIN_MS: 60_000,
    TIME_ZONE: "Asia/Seoul",
    PROGRESS_EVERY_PAGES: 10,
  },
);

const started = performance.now();
const report = await handler({}, { awsRequestId: "bench", getRemainingTimeInMillis: () => 900_000 });
const elapsedMs = performance.now() - started;
await db.close();
await rm(stateRoot, { recursive: true, force: true });

process.stdout.write(
  `${JSON.stringify({
    elapsedMs,
    maxRssKb: process.resourceUsage().maxRSS,
    calls: bucket.calls,
    listsByPrefix: bucket.listsByPrefix,
    deletedOriginals: bucket.deletedOriginals(),
    report: {
      status: report.status,
      scanned: report.scanned,
      orphans: report.orphans,
      deleted: report.deleted,
      derivedDeleted: report.derivedDeleted,
    },
  })}\n`,
);
