/**
 * `pnpm --filter @lambda-lab/lab bench`: the figures the lab's issues set goals for, each beside its
 * baseline or anchor, in one run.
 *  1. First start on a fresh clone: `pnpm dev` from no dist/ and no .lab/ to ready (goal ≤ 10 s), in a
 *     copy of the repository (this checkout's artifacts are never touched).
 *  2. `pnpm dev` to ready with data present (goal ≤ 10 s), three times.
 *  3. Hot reload: save a real function source (handler.ts, in the copy) → the function answers with the
 *     new code (its cold start included), p50/p95 over 20 edits per non-sharp function (goal ≤ 700 ms p50;
 *     LocalStack documents "up to 700 ms" for its hot reload, which has no build step:
 *     https://docs.localstack.cloud/user-guide/lambda-tools/hot-reloading), where the time goes, and the
 *     lab's resident memory before and after 200 more reloads (goal: no growth).
 *  5. (printed after the table) The cold-start budget: packages/artifact/bench/cold-start.ts, each function's
 *     bundle init beside the hello-world floor, the naive bundle and the baseline commit (`--init-runs N`).
 *  4. A warm invoke through the lab (worker process + Runtime API) against calling the same handler
 *     in-process (goal: ≤ 20 ms more at the median).
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { artifactDir } from "../src/artifacts.js";
import { functionEnvironment, loadStack, machineArch } from "../src/config.js";
import { samplePayload } from "../src/lab.js";
import { findRepoRoot } from "../src/paths.js";
import { type LabFunction, startLambdaRuntime } from "../src/runtime/lambda-runtime.js";
import { freshClone } from "./fresh-clone.js";
import { startLabProcess } from "./lab-process.js";
import { type EditTiming, instrument, invokeReal, percentile, timeOneEdit } from "./reload-timing.js";

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const mb = (n: number) => `${n.toFixed(0)} MB`;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const EDITS = arg("edits", 20);
const RELOADS = arg("reloads", 200);
/** The functions without native modules: the hot-reload goal is theirs (sharp's copy dominates transform). */
const NON_SHARP = ["upload", "alerts", "daily-stats", "orphan-cleanup"] as const;
const listArg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? "").split(",").filter(Boolean) : undefined;
};
/** `--only reload` (or `start`, `warm`, `init`): one part of the table, for profiling a change; default all. */
const ONLY = listArg("only");
const runs = (part: "start" | "reload" | "warm" | "init") => !ONLY || ONLY.includes(part);
/** `--functions upload,alerts`: the hot reload of only these (default: every non-sharp function). */
const RELOADED = (listArg("functions") ?? [...NON_SHARP]).map((id) => {
  if (!(NON_SHARP as readonly string[]).includes(id))
    throw new Error(`--functions: ${id} is not one of the non-sharp functions (${NON_SHARP.join(", ")})`);
  return id;
});

const loadAtStart = loadavg()[0] ?? 0;
const repoRoot = findRepoRoot();
const dataDir = await mkdtemp(join(tmpdir(), "lab-bench-"));
const rows: [string, string, string, string][] = [];
const clone = await freshClone(repoRoot);
try {
  for (const id of NON_SHARP) await instrument(join(clone.root, "packages", "functions", id));

  const cloneData = join(clone.root, ".lab");
  // 1. First start on a fresh clone: the artifacts for this machine are built, .lab/ is created.
  if (runs("start")) {
    console.error("timing the first `pnpm dev` on a fresh clone (no dist/, no .lab/)…");
    const first = await startLabProcess(clone.root, cloneData);
    await first.stop();
    rows.push([
      "`pnpm dev` to ready, fresh clone: no dist/, no .lab/ (was 15.9 s)",
      "goal ≤ 10,000 ms",
      ms(first.readyMs),
      first.readyMs <= 10_000 ? "met" : "MISSED",
    ]);

    // 2. Data and artifacts present.
    console.error("timing `pnpm dev` to ready with the data present, three times…");
    const readyTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const lab = await startLabProcess(clone.root, cloneData);
      readyTimes.push(lab.readyMs);
      await lab.stop();
    }
    rows.push([
      "`pnpm dev` to ready, data present (median of 3)",
      "goal ≤ 10,000 ms",
      ms(median(readyTimes)),
      median(readyTimes) <= 10_000 ? "met" : "MISSED",
    ]);
  }
  // 3. Hot reload, on the real bundles of the non-sharp functions.
  if (runs("reload")) {
    const lab = await startLabProcess(clone.root, cloneData);
    await lab.waitFor(/^hot reload: watching \d+ source folders/);
    const all: number[] = [];
    let marker = 0;
    for (const id of RELOADED) {
      console.error(`timing hot reload: ${id}, ${EDITS} edits…`);
      const dir = join(clone.root, "packages", "functions", id);
      // One untimed edit first: it starts the function's esbuild context (a full bundle); then the real event
      // once, so the instrumented bundle is known to run the function's own work.
      await timeOneEdit(lab.lambdaApi, dir, id, String(++marker));
      await invokeReal(lab.lambdaApi, id, await samplePayload(id));
      const edits: EditTiming[] = [];
      for (let i = 0; i < EDITS; i++) edits.push(await timeOneEdit(lab.lambdaApi, dir, id, String(++marker)));
      const times = edits.map((e) => e.ms);
      all.push(...times);
      const p50 = percentile(times, 50);
      rows.push([
        `hot reload, ${id}: save → new code answers (p50 / p95 of ${EDITS})`,
        "goal p50 ≤ 700 ms; LocalStack: up to 700 ms",
        `${ms(p50)} / ${ms(percentile(times, 95))}`,
        p50 <= 700 ? "met" : "MISSED",
      ]);
      // Where the time goes: the lab's own reload lines, and the REPORT line of the answer (a cold start).
      const phases = lab
        .lines()
        .flatMap((l) => {
          const m = new RegExp(
            `^reloaded ${id} in (\\d+) ms \\(bundle (\\d+) ms, zip \\+ verify (\\d+) ms\\)`,
          ).exec(l);
          return m ? [{ bundle: Number(m[2]), verify: Number(m[3]) }] : [];
        })
        .slice(-EDITS);
      rows.push([
        "  of which: esbuild rebuild / zip + verify / cold start init / ping (p50 each)",
        "",
        [
          percentile(
            phases.map((p) => p.bundle),
            50,
          ),
          percentile(
            phases.map((p) => p.verify),
            50,
          ),
          percentile(
            edits.map((e) => e.initMs),
            50,
          ),
          percentile(
            edits.map((e) => e.durationMs),
            50,
          ),
        ]
          .map(ms)
          .join(" / "),
        "",
      ]);
    }
    rows.push([
      `hot reload, ${RELOADED.length === NON_SHARP.length ? "all four" : RELOADED.join(", ")}: p50 / p95 of ${all.length}`,
      "goal p50 ≤ 700 ms",
      `${ms(percentile(all, 50))} / ${ms(percentile(all, 95))}`,
      percentile(all, 50) <= 700 ? "met" : "MISSED",
    ]);

    console.error(`${RELOADS} more reloads of upload, for memory…`);
    const uploadDir = join(clone.root, "packages", "functions", "upload");
    const before = lab.rss();
    const started = performance.now();
    for (let i = 0; i < RELOADS; i++) await timeOneEdit(lab.lambdaApi, uploadDir, "upload", String(++marker));
    const minutes = (performance.now() - started) / 60_000;
    const after = lab.rss();
    const leftovers = (await readdir(uploadDir)).filter((f) => f.startsWith(".dist-build-")).length;
    // upload keeps at most its warm environment and the one a reload parked for it.
    // Killed environments may linger a moment before they are reaped: count once exits have had a second.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const processes = lab.environmentsOf("upload");
    rows.push([
      `lab process RSS before / after ${RELOADS} reloads (${minutes.toFixed(1)} min)`,
      "goal: no growth",
      `${mb(before.labMb)} / ${mb(after.labMb)}`,
      after.labMb - before.labMb <= 20 ? "met" : "GREW",
    ]);
    // Go's heap moves by tens of MB between collections: only a trend past that is growth.
    rows.push([
      `esbuild service RSS before / after ${RELOADS} reloads (a context per edited function)`,
      "goal: no growth (±10%: Go's GC)",
      `${mb(before.esbuildMb)} / ${mb(after.esbuildMb)}`,
      after.esbuildMb <= before.esbuildMb * 1.1 ? "met" : "GREW",
    ]);
    rows.push([
      "retired artifact folders left after the reloads",
      "0",
      String(leftovers),
      leftovers === 0 ? "met" : "LEAK",
    ]);
    rows.push([
      "upload's environment processes after the reloads (its warm one + the one parked for it)",
      "≤ 2",
      String(processes),
      processes <= 2 ? "met" : "LEAK",
    ]);
    await lab.stop();
  }
  // 4. Warm invoke overhead, for a no-op handler and for the upload function's real handler.
  if (runs("warm")) {
    const stack = loadStack("dev", repoRoot);
    const arch = machineArch();
    const uploadEnv = {
      ...functionEnvironment("upload", stack, {
        s3Endpoint: "http://127.0.0.1:4569",
        databaseUrl: "postgres://postgres:postgres@127.0.0.1:55432/lab",
        slackWebhookUrl: "http://127.0.0.1:5182/services/x",
        stateDir: dataDir,
        labOrigins: ["http://127.0.0.1:5173"],
        uploadTokenSecret: "b".repeat(64),
      }),
      AWS_REGION: stack.region,
      // Both sides run the same code; quiet logs keep the table readable (the lab still reads every line).
      POWERTOOLS_LOG_LEVEL: "WARN",
    };
    const cases = [
      {
        name: "no-op handler (test fixture)",
        codeDir: fileURLToPath(new URL("../test/fixtures/functions/probe", import.meta.url)),
        environment: {},
        payload: { action: "env", name: "X" },
      },
      {
        name: "upload: POST /uploads (signs a form)",
        codeDir: artifactDir(repoRoot, "upload", arch),
        environment: uploadEnv,
        payload: await samplePayload("upload"),
      },
    ];
    const N = 300;
    for (const c of cases) {
      console.error(`timing warm invokes: ${c.name}…`);
      // In-process baseline: the same bundle imported here (on this machine's Node), the same event.
      Object.assign(process.env, c.environment);
      const mod = (await import(pathToFileURL(join(c.codeDir, "index.mjs")).href)) as {
        handler: (event: unknown, context: unknown) => Promise<unknown>;
      };
      const context = {
        awsRequestId: "bench",
        functionName: "bench",
        getRemainingTimeInMillis: () => 10_000,
      };
      for (let i = 0; i < 20; i++) await mod.handler(structuredClone(c.payload), context);
      const inProcess: number[] = [];
      for (let i = 0; i < N; i++) {
        const t = performance.now();
        await mod.handler(structuredClone(c.payload), context);
        inProcess.push(performance.now() - t);
      }
      const fn: LabFunction = {
        id: "bench",
        functionName: "lambda-lab-bench",
        arn: "arn:aws:lambda:eu-west-1:000000000000:function:lambda-lab-bench",
        codeDir: c.codeDir,
        handler: "index.handler",
        memorySizeMb: 256,
        timeoutSeconds: 10,
        runtime: stack.config.lambdaRuntime,
        region: stack.region,
        environment: c.environment,
        reservedConcurrency: 1,
      };
      const runtime = await startLambdaRuntime({ functions: [fn] });
      for (let i = 0; i < 20; i++) await runtime.invoke("bench", c.payload);
      const viaLab: number[] = [];
      for (let i = 0; i < N; i++) {
        const t = performance.now();
        const record = await runtime.invoke("bench", c.payload);
        viaLab.push(performance.now() - t);
        if (record.status !== "success") throw new Error(`${c.name}: ${record.body}`);
      }
      await runtime.stop();
      const overhead = median(viaLab) - median(inProcess);
      rows.push([
        `warm invoke, ${c.name}: in-process handler (median of ${N})`,
        "baseline",
        ms(median(inProcess)),
        "",
      ]);
      rows.push([`warm invoke, ${c.name}: through the lab (median of ${N})`, "", ms(median(viaLab)), ""]);
      rows.push([
        `warm invoke overhead, ${c.name}`,
        "goal ≤ 20 ms",
        ms(overhead),
        overhead <= 20 ? "met" : "MISSED",
      ]);
    }
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
  await clone.remove();
}

const widths = [0, 1, 2, 3].map((i) =>
  Math.max(...rows.map((r) => r[i]!.length), ["measure", "baseline / goal", "result", ""][i]!.length),
);
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(
  `\nlocal lab benchmark — ${process.platform}/${process.arch}, node ${process.version} (functions on their stack's runtime), ${cpus().length} cores, 1-min load average ${loadAtStart.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end (a shared machine: timings scale with it)\n`,
);
console.log(line(["measure", "baseline / goal", "result", ""]));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(row));

// 4. The cold-start budget (lesson L3): each function's bundle init beside the hello-world floor and the naive
// bundle, and beside the same function at the baseline commit — the artifact package's bench, run from here
// so this one run prints every figure issue 17 sets a goal for. `--init-runs N` (default 20).
if (runs("init")) {
  console.error(
    "timing each function's bundle init in fresh processes (packages/artifact/bench/cold-start.ts)…",
  );
  const initRuns = String(arg("init-runs", 20));
  const coldStart = spawnSync("pnpm", ["exec", "tsx", "bench/cold-start.ts", "--runs", initRuns], {
    cwd: join(repoRoot, "packages", "artifact"),
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (coldStart.status !== 0) process.exit(coldStart.status ?? 1);
}
process.exit(0);
