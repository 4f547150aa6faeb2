// `pnpm --filter @lambda-lab/orphan-cleanup bench [--latency-ms=20]`: the merge walk at 10k and 100k objects.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { migrate } from "@lambda-lab/db";
import { startLocalPostgres } from "@lambda-lab/db/testing";
import pg from "pg";
import { imagesFor, specOf, summarize } from "./dataset.js";

const SIZES = [10_000, 100_000];
const latencyMs = Number(process.argv.find((arg) => arg.startsWith("--latency-ms="))?.split("=")[1] ?? 20);

interface ChildResult {
  elapsedMs: number;
  maxRssKb: number;
  calls: { listPage: number; deleteMany: number; put: number };
  listsByPrefix: Record<string, number>;
  deletedOriginals: number;
  report: { status: string; scanned: number; orphans: number; deleted: number; derivedDeleted: number };
}

const runChild = (images: number, url: string): Promise<ChildResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        fileURLToPath(new URL("./child.ts", import.meta.url)),
        String(images),
        url,
        String(latencyMs),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split("\n").at(-1)!))
        : reject(new Error(`child exited ${code}`)),
    );
  });

const db = await startLocalPostgres();
const rows: string[][] = [];
const results: { objects: number; rssMb: number }[] = [];
try {
  await migrate({ connection: { connectionString: db.url } });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  for (const size of SIZES) {
    const images = imagesFor(size);
    const expected = summarize(images);
    await client.query("truncate images, cleanup_runs");
    const referenced: string[] = [];
    for (let i = 0; i < images; i++) if (specOf(i).referenced) referenced.push(specOf(i).key);
    for (let i = 0; i < referenced.length; i += 10_000)
      await client.query(
        "insert into images (key, owner_id, content_type, bytes) select k, 'bench', 'image/jpeg', 1 from unnest($1::text[]) k",
        [referenced.slice(i, i + 10_000)],
      );
    await client.query("analyze images");

    const result = await runChild(images, db.url);
    if (result.report.status !== "completed" || result.deletedOriginals !== expected.orphans)
      throw new Error(
        `wrong result at ${size}: ${JSON.stringify(result.report)}, expected ${expected.orphans} orphans deleted`,
      );

    const deletedKeys = result.report.deleted + result.report.derivedDeleted;
    const minimum = Math.ceil(expected.objects / 1000) + Math.ceil(deletedKeys / 1000);
    const made = result.calls.listPage + result.calls.deleteMany;
    const rssMb = result.maxRssKb / 1024;
    results.push({ objects: expected.objects, rssMb });
    rows.push([
      expected.objects.toLocaleString("en-US"),
      `${expected.orphans} (${deletedKeys} keys)`,
      `${result.calls.listPage} (${result.listsByPrefix["uploads/"] ?? 0}/${result.listsByPrefix["variants/"] ?? 0}/${result.listsByPrefix["quarantine/"] ?? 0}) + ${result.calls.deleteMany}`,
      `${Math.ceil(expected.objects / 1000)} + ${Math.ceil(deletedKeys / 1000)}`,
      `${(made / minimum).toFixed(3)}x`,
      rssMb.toFixed(1),
      Math.round(expected.objects / (result.elapsedMs / 1000)).toLocaleString("en-US"),
      (result.elapsedMs / 1000).toFixed(1),
    ]);
  }
  await client.end();
} finally {
  await db.stop();
}

const header = [
  "objects",
  "orphans deleted",
  "requests: lists (up/var/quar) + deletes",
  "minimum",
  "vs min",
  "peak RSS MB",
  "objects/s",
  "seconds",
];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
console.log(
  `\norphan-cleanup bench: generated in-memory bucket (one "deleted" byte per key, ${latencyMs} ms per S3 request), real PostgreSQL 17 (embedded), each size in its own process`,
);
console.log(
  "minimum = ceil(objects / 1000) lists + ceil(deleted keys / 1000) deletes (issue 6); goals: <= 1.05x, RSS(100k) <= 1.25x RSS(10k)\n",
);
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(row));
const [small, large] = results;
if (small && large) console.log(`\nRSS ratio 100k / 10k: ${(large.rssMb / small.rssMb).toFixed(2)}x`);
