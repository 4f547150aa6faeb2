/**
 * `pnpm --filter @lambda-lab/upload bench`: this function beside a naive one built on the AWS SDK's
 * S3Client + createPresignedPost, measured in one run. Prints a table; asserts nothing.
 */
import { execFile } from "node:child_process";
import { readFile, realpath, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import { configOf } from "../src/config.js";
import { loadEnv } from "../src/env.js";
import { makeHandler } from "../src/handler.js";
import { makeCreateEvent } from "../test/support/events.js";
import { type Bundle, bundle } from "./bundle.js";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const INIT_RUNS = 20;
const THROUGHPUT_MS = 4000;

const verifyEnv: Record<string, string> = JSON.parse(
  await readFile(new URL("../package.json", import.meta.url), "utf8"),
).lambda.verifyEnv;

/**
 * Calls per second of each function. The two run in alternating 250 ms slices after a warm-up, so
 * background load on the shared machine weighs on both alike.
 */
const perSecondSideBySide = async (
  fns: readonly (() => Promise<unknown>)[],
  totalMs = THROUGHPUT_MS,
): Promise<number[]> => {
  for (const fn of fns) for (let i = 0; i < 300; i++) await fn();
  const calls = fns.map(() => 0);
  const elapsed = fns.map(() => 0);
  for (let round = 0; round < totalMs / 250; round++)
    for (const [i, fn] of fns.entries()) {
      const start = performance.now();
      while (performance.now() - start < 250) {
        for (let j = 0; j < 25; j++) await fn();
        calls[i] = (calls[i] ?? 0) + 25;
      }
      elapsed[i] = (elapsed[i] ?? 0) + (performance.now() - start);
    }
  return calls.map((n, i) => n / ((elapsed[i] ?? 1) / 1000));
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** Time to import the bundle in a fresh Node process (module load + the composition root's init). */
const coldInit = async (file: string): Promise<number> => {
  const script =
    "const t=performance.now();await import(process.env.BENCH_BUNDLE);process.stdout.write(String(performance.now()-t));";
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH ?? "", ...verifyEnv, BENCH_BUNDLE: pathToFileURL(file).href },
  });
  return Number(stdout);
};

// --- forms per second, in-process -----------------------------------------------------------------
const env = loadEnv(verifyEnv);
const ownHandler = makeHandler(
  { reader: createMemoryObjectStore(), logger: { info() {}, error() {} } },
  { ...configOf(env), auth: { mode: "none" } },
);
const event = makeCreateEvent({ contentType: "image/jpeg", size: 139_435, filename: "Landscape_1.jpg" });
const ownForm = async () => {
  const response = await ownHandler(event);
  if (response.statusCode !== 201) throw new Error(`bench request failed: ${response.body}`);
};

const sdkClient = new S3Client({
  region: env.AWS_REGION,
  credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
});
let n = 0;
const naiveForm = () =>
  createPresignedPost(sdkClient, {
    Bucket: env.BUCKET_NAME,
    Key: `uploads/2026/11/25/${n++}.jpg`,
    Conditions: [
      ["content-length-range", 1, 139_435],
      ["eq", "$Content-Type", "image/jpeg"],
    ],
    Fields: { "Content-Type": "image/jpeg", "x-amz-meta-owner": "anonymous" },
    Expires: 300,
  });
const [naiveRate = 0, ownRate = 0] = await perSecondSideBySide([naiveForm, ownForm]);
sdkClient.destroy();

// --- bundles --------------------------------------------------------------------------------------
// The naive function: what one writes first. Resolved from the presigned-post package's own folder so
// it bundles the one client-s3 version that package was built against (no duplicate SDK).
const presignedPostDir = await realpath(`${packageDir}/node_modules/@aws-sdk/s3-presigned-post`);
const NAIVE_ENTRY = `
import { S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
const client = new S3Client({});
export const handler = async (event) => {
  const { contentType, size } = JSON.parse(event.body);
  const key = "uploads/" + Date.now() + ".jpg";
  const form = await createPresignedPost(client, {
    Bucket: process.env.BUCKET_NAME, Key: key, Expires: 300,
    Conditions: [["content-length-range", 1, size], ["eq", "$Content-Type", contentType]],
    Fields: { "Content-Type": contentType },
  });
  return { statusCode: 201, body: JSON.stringify(form) };
};`;
const naive = await bundle({ contents: NAIVE_ENTRY, resolveDir: dirname(presignedPostDir) }, "naive");
const own = await bundle({ path: `${packageDir}/src/index.ts` }, "upload");

// Alternate the two so background load on the shared machine hits both alike.
const initTimes = { naive: [] as number[], own: [] as number[] };
for (let i = 0; i < INIT_RUNS; i++) {
  initTimes.naive.push(await coldInit(naive.file));
  initTimes.own.push(await coldInit(own.file));
}
await Promise.all([naive, own].map((b: Bundle) => rm(dirname(b.file), { recursive: true, force: true })));

// --- table ----------------------------------------------------------------------------------------
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const naiveInit = median(initTimes.naive);
const ownInit = median(initTimes.own);
const rows: [string, string, string, string][] = [
  [
    "metric",
    "naive: S3Client + createPresignedPost",
    "upload (SDK SignatureV4 signer, aws4fetch reads)",
    "goal",
  ],
  [
    "presigned forms/s, in-process",
    naiveRate.toFixed(0),
    ownRate.toFixed(0),
    `${(ownRate / naiveRate).toFixed(1)}x naive (whole handler vs bare SDK call)`,
  ],
  [
    "bundle size (esbuild, minified)",
    kb(naive.bytes),
    kb(own.bytes),
    `< 200 KB: ${own.bytes < 200 * 1024 ? "met" : "NOT met"}`,
  ],
  [
    `cold init, median of ${INIT_RUNS}`,
    ms(naiveInit),
    ms(ownInit),
    `<= 50% of naive: ${ownInit <= naiveInit / 2 ? "met" : "NOT met"} (${((ownInit / naiveInit) * 100).toFixed(0)}%)`,
  ],
  [
    "cold init, min / max",
    `${ms(Math.min(...initTimes.naive))} / ${ms(Math.max(...initTimes.naive))}`,
    `${ms(Math.min(...initTimes.own))} / ${ms(Math.max(...initTimes.own))}`,
    "",
  ],
];
const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(" | ")} |`;
console.log(`upload bench — Node ${process.version}, ${new Date().toISOString()}`);
console.log(line(rows[0] ?? []));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows.slice(1)) console.log(line(r));
const top = (b: Bundle) =>
  b.inputs
    .slice(0, 6)
    .map(([name, bytes]) => `${name} ${kb(bytes)}`)
    .join(", ");
console.log(`\nlargest parts — upload: ${top(own)}`);
console.log(`largest parts — naive:  ${top(naive)}`);
