/**
 * `pnpm --filter @lambda-lab/lab bench`: the two figures the issue sets goals for, each beside its baseline.
 *  1. `pnpm dev` time to ready with data already there (goal ≤ 10 s): the real CLI, spawned, timed to its
 *     ready line, three times after a first start that creates the data.
 *  2. A warm invoke through the lab (worker process + Runtime API) against calling the same handler
 *     in-process (goal: ≤ 20 ms more at the median).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { artifactDir } from "../src/artifacts.js";
import { functionEnvironment, loadStack, machineArch } from "../src/config.js";
import { samplePayload } from "../src/lab.js";
import { findRepoRoot, PACKAGE_DIR } from "../src/paths.js";
import { type LabFunction, startLambdaRuntime } from "../src/runtime/lambda-runtime.js";

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;

/** Spawns the CLI as `pnpm dev` does and resolves with the time to its ready line; then stops it with SIGINT. */
const timeToReady = (dataDir: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const ports = ["lab", "upload-api", "web-app", "slack", "s3", "postgres"].flatMap((p) => [
      `--port-${p}`,
      "0",
    ]);
    const child = spawn(
      process.execPath,
      [join(PACKAGE_DIR, "bin/lab.mjs"), "dev", "--quiet", "--no-schedules", "--data-dir", dataDir, ...ports],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    let readyAt: number | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (readyAt === undefined && output.includes("lab ready in")) {
        readyAt = performance.now() - started;
        child.kill("SIGINT");
        // A lab that does not stop within 20 s is a bug worth seeing, not a bench that hangs.
        setTimeout(() => {
          if (child.exitCode === null) {
            console.error(`the lab did not stop within 20 s after SIGINT:\n${output}`);
            child.kill("SIGKILL");
          }
        }, 20_000).unref();
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("exit", (code) =>
      readyAt !== undefined
        ? resolve(readyAt)
        : reject(new Error(`the lab exited (${code}) before ready:\n${output}`)),
    );
  });

const repoRoot = findRepoRoot();
const dataDir = await mkdtemp(join(tmpdir(), "lab-bench-"));
const rows: [string, string, string, string][] = [];
try {
  // 1. Time to ready. The first start creates the data (initdb, migrations, demo uploads); not counted.
  console.error("timing `pnpm dev` to ready: a first start, then three with the data present…");
  const first = await timeToReady(dataDir);
  const readyTimes: number[] = [];
  for (let i = 0; i < 3; i++) readyTimes.push(await timeToReady(dataDir));
  rows.push(["`pnpm dev` command to ready, first start (creates .lab/)", "—", ms(first), "not a goal"]);
  rows.push([
    "`pnpm dev` command to ready, data present (median of 3)",
    "goal ≤ 10,000 ms",
    ms(median(readyTimes)),
    median(readyTimes) <= 10_000 ? "met" : "MISSED",
  ]);

  // 2. Warm invoke overhead, for a no-op handler and for the upload function's real handler.
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
    // In-process baseline: the same bundle imported here, the same event, a minimal context.
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
      runtime: "nodejs22.x",
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
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

const widths = [0, 1, 2, 3].map((i) =>
  Math.max(...rows.map((r) => r[i]!.length), ["measure", "baseline / goal", "result", ""][i]!.length),
);
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(
  `\nlocal lab benchmark — ${process.platform}/${process.arch}, node ${process.version}, ${(await import("node:os")).cpus().length} cores\n`,
);
console.log(line(["measure", "baseline / goal", "result", ""]));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(row));
process.exit(0);
