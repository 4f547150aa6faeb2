/**
 * Cold-start budget (lesson L3): how long each function's bundle takes to load in a fresh Node process,
 * beside a hello-world bundle (the floor), a naive one (S3Client + createPresignedPost, what one writes
 * first) and the same function at a baseline commit, all built with the artifact builder's own esbuild
 * options for the stacks' runtime and run on that runtime's Node binary, measured in one run.
 *
 *   init          the bundle's `import()` in a fresh process: reading, compiling and evaluating the module
 *                 graph (the composition root included): the part of Lambda's Init Duration the code owns;
 *                 wall time (what the goal is set in), and the CPU time it took (steadier on a busy machine)
 *   from start    process start (performance.timeOrigin) to module evaluated: Node's own boot included
 *   first invoke  init + one invocation up to its first answer from AWS or the database (see
 *                 first-invoke.ts): what a lazy import moves out of init shows up here, so a move is
 *                 never counted as a saving
 *
 * Flags: --runs N (default 20), --baseline <rev> (default: the commit before the cold-start work; "none"
 * skips it), --runtime nodejs22.x|nodejs24.x (default: the oldest the stacks deploy), --node <path>.
 * Prints a table; asserts nothing.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, realpath, rm, stat } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build, type Plugin } from "esbuild";
import { lambdaBuildOptions } from "../src/bundle.js";
import { isArch, readFunctionPackage } from "../src/lambda-config.js";
import { copyNativeModules } from "../src/native-modules.js";
import { nodeBinary } from "../src/node-binary.js";
import { type NodeRuntime, oldestRuntime, parseNodeRuntime } from "../src/runtimes.js";
import { stackRuntimes } from "../src/stack-runtimes.js";
import { FIRST_INVOKE } from "./first-invoke.js";
import { gitSourcesPlugin, resolveRevision } from "./git-sources.js";
import { packageOf } from "./package-of.js";

/** The last commit before the cold-start changes of issue 17: every function as it was found. */
const DEFAULT_BASELINE = "d99a4ab";

const { values: flags } = parseArgs({
  options: {
    runs: { type: "string", default: "20" },
    baseline: { type: "string", default: DEFAULT_BASELINE },
    runtime: { type: "string" },
    node: { type: "string" },
  },
});
const RUNS = Number(flags.runs);
if (!Number.isInteger(RUNS) || RUNS < 1)
  throw new Error(`--runs must be a positive integer, got ${flags.runs}`);
const arch = process.arch;
if (!isArch(arch)) throw new Error(`cold-start bench: Lambda has no ${arch} CPU (x64 or arm64 only)`);

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const functionsDir = join(repo, "packages", "functions");
const runtime: NodeRuntime = flags.runtime
  ? parseNodeRuntime(flags.runtime, "--runtime")
  : oldestRuntime(stackRuntimes(repo).runtimes);
const node = flags.node ?? nodeBinary(runtime).path;
const baselineRev = flags.baseline === "none" ? undefined : resolveRevision(repo, flags.baseline);
if (flags.baseline !== "none" && !baselineRev)
  console.error(
    `cold-start bench: baseline ${flags.baseline} is not in this clone (shallow?); no baseline columns`,
  );
const work = await mkdtemp(join(tmpdir(), "cold-start-"));

interface Bundle {
  file: string;
  bytes: number;
  /** Output bytes per npm package (or workspace package), largest first. */
  parts: [string, number][];
}

interface Subject {
  id: string;
  bundle: Bundle;
  baseline?: Bundle;
  env: Record<string, string>;
  firstInvoke?: { event: unknown; env: Record<string, string> };
}

/** Bundles like `lambda-artifact build` does (same options, native modules copied for this CPU). */
const bundle = async (
  name: string,
  entry: { path: string } | { contents: string; resolveDir: string },
  options: { nativeModules?: readonly string[]; packageDir?: string; plugins?: Plugin[] } = {},
): Promise<Bundle> => {
  const nativeModules = options.nativeModules ?? [];
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  const file = join(dir, "index.mjs");
  const result = await build({
    ...lambdaBuildOptions(nativeModules, runtime),
    ...("path" in entry
      ? { entryPoints: [entry.path] }
      : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: "js" as const } }),
    outfile: file,
    metafile: true,
    plugins: options.plugins ?? [],
  });
  if (options.packageDir && nativeModules.length > 0)
    await copyNativeModules(options.packageDir, nativeModules, arch, join(dir, "node_modules"));
  const totals = new Map<string, number>();
  for (const [out, output] of Object.entries(result.metafile?.outputs ?? {}))
    if (out.endsWith(".mjs"))
      for (const [path, input] of Object.entries(output.inputs))
        totals.set(packageOf(path), (totals.get(packageOf(path)) ?? 0) + input.bytesInOutput);
  const parts = [...totals].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return { file, bytes: (await stat(file)).size, parts };
};

/** A loopback port nothing listens on (fetch refuses well-known ports such as 9 before connecting). */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};
const closed = `http://127.0.0.1:${await closedPort()}`;

/**
 * Stands in for every AWS endpoint in "first invoke": answers at once with AccessDenied (403), in XML for
 * S3 and in JSON for the JSON-protocol services. No SDK or client retries a 403, so the column shows the
 * code's own cost, not a retry policy's waits.
 */
const awsStandIn = createHttpServer((request, response) => {
  request.resume().on("end", () => {
    const json = request.headers["x-amz-target"] !== undefined;
    response
      .writeHead(403, { "content-type": json ? "application/x-amz-json-1.1" : "application/xml" })
      .end(
        request.method === "HEAD"
          ? undefined
          : json
            ? '{"__type":"AccessDeniedException","message":"cold-start bench"}'
            : "<Error><Code>AccessDenied</Code><Message>cold-start bench</Message></Error>",
      );
  });
});
await new Promise<void>((resolve) => awsStandIn.listen(0, "127.0.0.1", resolve));
const aws = `http://127.0.0.1:${(awsStandIn.address() as { port: number }).port}`;

// --- the subjects -------------------------------------------------------------------------------------
console.error(
  `cold-start bench: bundling for ${runtime}${baselineRev ? `, baseline ${flags.baseline}` : ""}…`,
);
const HELLO = "hello-world";
const NAIVE = "naive: S3Client + createPresignedPost";
const subjects: Subject[] = [
  {
    id: HELLO,
    env: {},
    bundle: await bundle("hello-world", {
      contents: `export const handler = async () => ({ statusCode: 200, body: "hello" });`,
      resolveDir: work,
    }),
  },
];
// The naive upload function, resolved from the presigned-post package's own folder so it bundles the one
// client-s3 version that package was built against (as packages/functions/upload/bench does).
const presignedPost = await realpath(join(functionsDir, "upload/node_modules/@aws-sdk/s3-presigned-post"));
subjects.push({
  id: NAIVE,
  env: { AWS_REGION: "us-east-1", BUCKET_NAME: "lab-images" },
  bundle: await bundle("naive", {
    contents: `
import { S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
const client = new S3Client({});
export const handler = async (event) => {
  const { contentType, size } = JSON.parse(event.body);
  const form = await createPresignedPost(client, {
    Bucket: process.env.BUCKET_NAME, Key: "uploads/" + Date.now() + ".jpg", Expires: 300,
    Conditions: [["content-length-range", 1, size], ["eq", "$Content-Type", contentType]],
    Fields: { "Content-Type": contentType },
  });
  return { statusCode: 201, body: JSON.stringify(form) };
};`,
    resolveDir: dirname(presignedPost),
  }),
});
for (const name of (await readdir(functionsDir)).sort()) {
  const dir = join(functionsDir, name);
  const pkg = await readFunctionPackage(dir).catch(() => undefined);
  if (!pkg) continue;
  const entry = { path: join(dir, pkg.lambda.entry) };
  const native = { nativeModules: pkg.lambda.nativeModules, packageDir: dir };
  const firstInvoke = FIRST_INVOKE[pkg.id];
  subjects.push({
    id: pkg.id,
    env: pkg.lambda.verifyEnv,
    bundle: await bundle(pkg.id, entry, native),
    ...(baselineRev
      ? {
          baseline: await bundle(`baseline-${pkg.id}`, entry, {
            ...native,
            plugins: [gitSourcesPlugin(repo, baselineRev)],
          }),
        }
      : {}),
    ...(firstInvoke ? { firstInvoke: firstInvoke({ aws, closed, workDir: work }) } : {}),
  });
}

// --- one fresh process per sample ----------------------------------------------------------------------
// The runner times the dynamic import, then (for "first invoke") one handler call with a minimal context.
const RUNNER = `
const c0 = process.cpuUsage();
const t0 = performance.now();
const mod = await import(process.env.BENCH_BUNDLE);
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
let t2 = t1, outcome = "not invoked";
if (process.env.BENCH_EVENT) {
  const context = { awsRequestId: "bench", functionName: "bench", getRemainingTimeInMillis: () => 60000 };
  try { await mod.handler(JSON.parse(process.env.BENCH_EVENT), context); outcome = "returned"; }
  catch (e) { outcome = "threw " + (e?.name ?? "error"); }
  t2 = performance.now();
}
const cpu = (c1.user + c1.system) / 1000;
process.stdout.write(JSON.stringify({ init: t1 - t0, cpu, fromStart: t1, firstInvoke: t2 - t0, outcome }));
`;

interface Sample {
  init: number;
  /** CPU time (user + system, all threads) of the import: barely moved by other load on the machine. */
  cpu: number;
  fromStart: number;
  firstInvoke: number;
  outcome: string;
}

const sample = (id: string, target: Bundle, env: Record<string, string>, event?: unknown): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const child = spawn(node, ["--input-type=module", "-e", RUNNER], {
      env: {
        PATH: process.env.PATH ?? "",
        ...env,
        ...(event === undefined ? {} : { BENCH_EVENT: JSON.stringify(event) }),
        BENCH_BUNDLE: pathToFileURL(target.file).href,
      },
      stdio: "pipe",
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`${id}: the bundle did not load (exit ${code}):\n${err}`));
      try {
        resolve(JSON.parse(out) as Sample);
      } catch {
        reject(new Error(`${id}: unexpected runner output ${JSON.stringify(out)}\n${err}`));
      }
    });
  });

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

type Which = "now" | "baseline";
const samples = new Map<string, { init: Sample[]; invoke: Sample[] }>();
const record = (key: string, kind: "init" | "invoke", s: Sample) => {
  const entry = samples.get(key) ?? { init: [], invoke: [] };
  entry[kind].push(s);
  samples.set(key, entry);
};
const targets = subjects.flatMap((s) =>
  (s.baseline ? (["now", "baseline"] as Which[]) : (["now"] as Which[])).map((which) => ({ s, which })),
);
const bundleOf = (s: Subject, which: Which) => (which === "now" ? s.bundle : (s.baseline ?? s.bundle));

// Round-robin, so background load on a shared machine weighs on every bundle alike.
console.error(`cold-start bench: ${targets.length} bundles × ${RUNS} fresh processes on ${node}…`);
for (const { s, which } of targets) await sample(s.id, bundleOf(s, which), s.env); // warm the file cache
for (let i = 0; i < RUNS; i++)
  for (const { s, which } of targets) {
    const key = `${s.id}/${which}`;
    record(key, "init", await sample(s.id, bundleOf(s, which), s.env));
    if (s.firstInvoke)
      record(
        key,
        "invoke",
        await sample(s.id, bundleOf(s, which), { ...s.env, ...s.firstInvoke.env }, s.firstInvoke.event),
      );
  }
await rm(work, { recursive: true, force: true });
awsStandIn.close();

// --- the table -----------------------------------------------------------------------------------------
const stat3 = (key: string) => {
  const got = samples.get(key);
  if (!got) return undefined;
  return {
    init: median(got.init.map((x) => x.init)),
    cpu: median(got.init.map((x) => x.cpu)),
    fromStart: median(got.init.map((x) => x.fromStart)),
    invoke: got.invoke.length ? median(got.invoke.map((x) => x.firstInvoke)) : undefined,
    outcome: got.invoke[0]?.outcome,
  };
};
const naiveInit = stat3(`${NAIVE}/now`)?.init ?? Number.NaN;
const naiveCpu = stat3(`${NAIVE}/now`)?.cpu ?? Number.NaN;
const helloInit = stat3(`${HELLO}/now`)?.init ?? Number.NaN;

/** Issue 17's goals: every function without sharp ≤ 0.5× naive, transform (sharp's native load) ≤ 1.0×. */
const goalOf = (s: Subject) =>
  s.id === HELLO || s.id === NAIVE ? undefined : s.id === "transform" ? 1.0 : 0.5;

const ms = (n: number | undefined) => (n === undefined ? "—" : n.toFixed(1));
const x = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "—" : `${n.toFixed(2)}×`);
const kib = (b: Bundle | undefined) => (b ? (b.bytes / 1024).toFixed(1) : "—");
const header = [
  "function",
  "init ms",
  "× naive",
  "CPU ms",
  "CPU × naive",
  "× hello",
  "from start",
  "first invoke",
  "KiB",
  "baseline init",
  "baseline × naive",
  "baseline CPU × naive",
  "baseline first invoke",
  "baseline KiB",
  "goal",
];
const table = subjects.map((s) => {
  const now = stat3(`${s.id}/now`);
  const base = s.baseline ? stat3(`${s.id}/baseline`) : undefined;
  const ratio = (now?.init ?? Number.NaN) / naiveInit;
  const goal = goalOf(s);
  return [
    s.id,
    ms(now?.init),
    x(ratio),
    ms(now?.cpu),
    x((now?.cpu ?? Number.NaN) / naiveCpu),
    x((now?.init ?? Number.NaN) / helloInit),
    ms(now?.fromStart),
    ms(now?.invoke),
    kib(s.bundle),
    ms(base?.init),
    x(base ? base.init / naiveInit : undefined),
    x(base ? base.cpu / naiveCpu : undefined),
    ms(base?.invoke),
    kib(s.baseline),
    goal === undefined ? "" : `≤ ${goal.toFixed(1)}×: ${ratio <= goal ? "met" : "MISSED"}`,
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? "").length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
const version = await new Promise<string>((resolve) => {
  const child = spawn(node, ["--version"]);
  let out = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.on("exit", () => resolve(out.trim()));
});
console.log(
  `cold start — median of ${RUNS} fresh processes per bundle, ${runtime} (Node ${version}), ${arch}, ` +
    `${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)} (1 min), ${new Date().toISOString()}`,
);
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of table) console.log(line(r));
console.log(
  `\nms are medians of wall time, CPU ms of the import's CPU time (which other load moves far less: compare it on a\nbusy machine); × naive and × hello divide by this run's naive and hello-world.${
    baselineRev
      ? ` baseline: the same function built from ${flags.baseline} (${baselineRev.slice(0, 12)}).`
      : ""
  }` +
    "\nfirst invoke: init + one invocation up to its first answer (AWS stand-in: 403 AccessDenied; database: a closed" +
    "\nport); outcomes: " +
    subjects
      .filter((s) => s.firstInvoke)
      .map((s) => `${s.id} ${stat3(`${s.id}/now`)?.outcome}`)
      .join(", "),
);
console.log("\nlargest parts of each bundle, KiB (now | baseline):");
for (const s of subjects.slice(2)) {
  const top = (b: Bundle | undefined) =>
    b
      ? b.parts
          .slice(0, 6)
          .map(([name, n]) => `${name} ${(n / 1024).toFixed(1)}`)
          .join(", ")
      : "—";
  console.log(`  ${s.id}: ${top(s.bundle)}\n  ${" ".repeat(s.id.length)}  | ${top(s.baseline)}`);
}
