import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

export interface LabProcess {
  readyMs: number;
  pid: number;
  lambdaApi: string;
  /** Resolves once a line matching `pattern` is printed (or already was). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Every line printed so far. */
  lines(): string[];
  /** Resident memory of the lab process and of its esbuild service, in MB (Linux /proc). */
  rss(): { labMb: number; esbuildMb: number };
  /** One function's execution environments (a hot reload's parked one too), by their AWS_LAMBDA_FUNCTION_NAME. */
  environmentsOf(functionId: string): number;
  stop(): Promise<void>;
}

const rssMbOf = (pid: number): number => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};

const procFile = (pid: number, name: string): string => {
  try {
    return readFileSync(`/proc/${pid}/${name}`, "utf8");
  } catch {
    return "";
  }
};

const childrenOf = (pid: number): { pid: number; comm: string }[] =>
  readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return ppid === pid ? [{ pid: Number(d), comm }] : [];
      } catch {
        return [];
      }
    });

/**
 * Starts the lab's CLI (`pnpm dev` runs exactly this: node packages/lab/bin/lab.mjs dev) in `root`, on free
 * ports, and resolves at its ready line with the time it took.
 */
export const startLabProcess = (
  root: string,
  dataDir: string,
  extraArgs: string[] = [],
): Promise<LabProcess> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const ports = ["lab", "upload-api", "web-app", "slack", "s3", "postgres"].flatMap((p) => [
      `--port-${p}`,
      "0",
    ]);
    const child: ChildProcess = spawn(
      process.execPath,
      [
        join(root, "packages/lab/bin/lab.mjs"),
        "dev",
        "--quiet",
        "--no-schedules",
        "--data-dir",
        dataDir,
        ...ports,
        ...extraArgs,
      ],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
    const check = () => {
      for (const w of [...waiters]) {
        const match = output.split("\n").find((l) => w.pattern.test(l));
        if (match !== undefined) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(match);
        }
      }
    };
    let ready = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      check();
      if (!ready && output.includes("lab ready in")) {
        ready = true;
        const readyMs = performance.now() - started;
        const info = JSON.parse(readFileSync(join(dataDir, "lab.json"), "utf8")) as {
          urls: { lambdaApi: string };
        };
        resolve({
          readyMs,
          pid: child.pid ?? 0,
          lambdaApi: info.urls.lambdaApi,
          lines: () => output.split("\n"),
          waitFor: (pattern, timeoutMs = 120_000) =>
            new Promise((res, rej) => {
              const timer = setTimeout(
                () =>
                  rej(
                    new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${output.slice(-2000)}`),
                  ),
                timeoutMs,
              );
              waiters.push({
                pattern,
                resolve: (line) => {
                  clearTimeout(timer);
                  res(line);
                },
              });
              check();
            }),
          rss: () => ({
            labMb: rssMbOf(child.pid ?? 0),
            esbuildMb: childrenOf(child.pid ?? 0)
              .filter((c) => c.comm === "esbuild")
              .reduce((sum, c) => sum + rssMbOf(c.pid), 0),
          }),
          // By environment, not comm: Node.js 24 names its main thread "MainThread".
          environmentsOf: (functionId) =>
            childrenOf(child.pid ?? 0).filter((c) =>
              procFile(c.pid, "environ")
                .split("\0")
                .some((v) => v.startsWith("AWS_LAMBDA_FUNCTION_NAME=") && v.endsWith(`-${functionId}`)),
            ).length,
          stop: () =>
            new Promise((res) => {
              if (child.exitCode !== null) return res();
              child.once("exit", () => res());
              child.kill("SIGINT");
              // A lab that does not stop within 20 s is a bug worth seeing, not a bench that hangs.
              setTimeout(() => {
                if (child.exitCode === null) {
                  console.error(`the lab did not stop within 20 s after SIGINT:\n${output.slice(-2000)}`);
                  child.kill("SIGKILL");
                }
              }, 20_000).unref();
            }),
        });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => {
      if (!ready) reject(new Error(`the lab exited (${code}) before ready:\n${output}`));
    });
  });
