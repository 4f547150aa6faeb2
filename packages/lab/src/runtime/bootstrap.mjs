// The worker's runtime: one Lambda execution environment. It speaks the Lambda Runtime API to the lab
// (GET …/invocation/next, POST …/response | …/error | init/error), exactly as the managed Node.js runtime
// does, so the function bundle runs as in the cloud. Plain JavaScript: no compile step in a cold start.
import { once } from "node:events";
import { closeSync, openSync, readSync } from "node:fs";
import { Agent, request } from "node:http";
import module from "node:module";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { CPU_TIME_HEADER, END_MARKER, INIT_TIMING_HEADER, OPENS_WITH_CREATE_REQUIRE } from "./protocol.mjs";

const api = process.env.AWS_LAMBDA_RUNTIME_API;
const taskRoot = process.env.LAMBDA_TASK_ROOT;
const handlerSpec = process.env._HANDLER ?? "index.handler";
if (!api || !taskRoot) {
  process.stderr.write("bootstrap: AWS_LAMBDA_RUNTIME_API and LAMBDA_TASK_ROOT must be set\n");
  process.exit(2);
}
const [apiHost, ...apiPath] = api.split("/");
const [host, port] = (apiHost ?? "").split(":");
const base = `${apiPath.length > 0 ? `/${apiPath.join("/")}` : ""}/2018-06-01/runtime`;
// One kept-alive socket: the long poll and the result share it, as the managed runtime's client does.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

const call = (method, path, body, headers = {}) =>
  new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body);
    const req = request(
      {
        host,
        port: Number(port),
        method,
        path: `${base}${path}`,
        agent,
        headers: { ...headers, ...(payload ? { "content-length": payload.length } : {}) },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });

const errorBody = (error) => {
  const e = error instanceof Error ? error : new Error(String(error));
  return JSON.stringify({
    errorType: e.name || "Error",
    errorMessage: e.message,
    stackTrace: (e.stack ?? "")
      .split("\n")
      .slice(1)
      .map((l) => l.trim()),
  });
};

// Lambda's Node.js runtime prefixes console output with time, request id and level (text log format).
let currentRequestId;
const patchConsole = () => {
  const levels = { log: "INFO", info: "INFO", warn: "WARN", error: "ERROR", debug: "DEBUG", trace: "TRACE" };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      const line = `${new Date().toISOString()}\t${currentRequestId ?? "undefined"}\t${level}\t${format(...args)}\n`;
      (level === "ERROR" || level === "WARN" ? process.stderr : process.stdout).write(
        line.replace(/\n(?!$)/g, "\r"),
      );
    };
  }
};

const opensWithCreateRequire = (file) => {
  try {
    const fd = openSync(file, "r");
    const head = Buffer.alloc(200);
    const read = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    return OPENS_WITH_CREATE_REQUIRE.test(head.toString("utf8", 0, read));
  } catch {
    return false;
  }
};

/**
 * How long init's `import()` of the bundle took, and where it can be told apart without a line of lab code in
 * the bundle: *load* (resolve, read, compile and link the module) until its first statement runs, then
 * *evaluate* (the top-level code of every bundled module and of the composition root, top-level await
 * included) until the import settles. The first statement is seen through module.createRequire, wrapped for
 * that one call and restored at once; a bundle without the banner gets `importMs` only. Lambda reports
 * neither part: its Init Duration is the whole.
 */
const initTiming = { importMs: 0 };
const timedImport = async (file) => {
  const url = pathToFileURL(file).href;
  const original = module.createRequire;
  let firstStatementAt;
  const watch = opensWithCreateRequire(file);
  if (watch) {
    module.createRequire = function createRequire(...args) {
      if (firstStatementAt === undefined && args[0] === url) firstStatementAt = performance.now();
      return original.apply(this, args);
    };
    // The bundle's `import { createRequire } from "module"` binds to the builtin's ESM exports: sync them.
    module.syncBuiltinESMExports();
  }
  const started = performance.now();
  try {
    return await import(url);
  } finally {
    const settled = performance.now();
    if (watch) {
      module.createRequire = original;
      module.syncBuiltinESMExports();
    }
    initTiming.importMs = settled - started;
    if (firstStatementAt !== undefined) {
      initTiming.loadMs = firstStatementAt - started;
      initTiming.evaluateMs = settled - firstStatementAt;
    }
  }
};

const loadHandler = async () => {
  const dot = handlerSpec.lastIndexOf(".");
  const moduleName = handlerSpec.slice(0, dot);
  const exportName = handlerSpec.slice(dot + 1);
  let mod;
  try {
    mod = await timedImport(`${taskRoot}/${moduleName}.mjs`);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    if (e.code === "ERR_MODULE_NOT_FOUND" && String(e.message).includes(`${moduleName}.mjs`)) {
      e.name = "Runtime.ImportModuleError";
      e.message = `Error: Cannot find module '${moduleName}'`;
    }
    throw e;
  }
  const fn = mod[exportName];
  if (typeof fn !== "function") {
    const e = new Error(`${moduleName}.${exportName} is undefined or not exported`);
    e.name = "Runtime.HandlerNotFound";
    throw e;
  }
  return fn;
};

// `pnpm dev --inspect`: a watcher thread reports debugger pauses to the lab and sums them here, so the time
// left excludes the time a breakpoint held the handler (the lab's timeout clock stops too).
let pausedMs = () => 0;
const startDebuggerWatcher = async () => {
  const { Worker } = await import("node:worker_threads");
  const shared = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL("./debugger-watcher.mjs", import.meta.url), {
    workerData: { shared, api },
  });
  worker.unref();
  // Before the bundle loads, so a pause in its init code is reported too.
  await once(worker, "message");
  pausedMs = () => Atomics.load(shared, 0);
};

const makeContext = (headers) => {
  const deadline = Number(headers["lambda-runtime-deadline-ms"]);
  const pausedAtStart = pausedMs();
  const context = {
    awsRequestId: String(headers["lambda-runtime-aws-request-id"]),
    invokedFunctionArn: String(headers["lambda-runtime-invoked-function-arn"]),
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline + (pausedMs() - pausedAtStart) - Date.now()),
  };
  if (headers["lambda-runtime-client-context"])
    context.clientContext = JSON.parse(String(headers["lambda-runtime-client-context"]));
  if (headers["lambda-runtime-cognito-identity"])
    context.identity = JSON.parse(String(headers["lambda-runtime-cognito-identity"]));
  return context;
};

/** Runs the handler, async or callback style, as the managed runtime does. */
const runHandler = (handler, event, context) =>
  new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error, result) => {
      if (settled) return;
      settled = true;
      if (error !== undefined && error !== null) reject(error);
      else resolve(result);
    };
    context.done = settle;
    context.succeed = (result) => settle(null, result);
    context.fail = (error) => settle(error ?? new Error("handled"));
    try {
      const out = handler(event, context, settle);
      if (out && typeof out.then === "function")
        out.then(
          (r) => settle(null, r),
          (e) => settle(e),
        );
      else if (handler.length < 3) settle(null, out);
    } catch (error) {
      settle(error);
    }
  });

// Ctrl-C in the lab's terminal reaches every process of the group; an execution environment is not
// the terminal's to stop: the lab stops it. And it never outlives the lab (the IPC channel closes then).
process.on("SIGINT", () => {});
process.on("disconnect", () => process.exit(0));

patchConsole();
if (process.argv.includes("--lab-watch-debugger")) await startDebuggerWatcher();
// A hot reload boots the next environment's runtime while it rebuilds: it waits here, before the import,
// until a request needs it. The wait is no part of its init (the lab takes it out of Init Duration).
if (process.argv.includes("--lab-park")) {
  const parkedAt = performance.now();
  const released = new Promise((resolve) => process.once("message", resolve));
  // Only now is anyone listening: the lab sends its go once it has heard this (a message before is lost).
  process.send?.("parked");
  await released;
  initTiming.parkedMs = performance.now() - parkedAt;
}
let handler;
try {
  handler = await loadHandler();
} catch (error) {
  console.error(`${error?.name ?? "Error"}: ${error?.message ?? error}`);
  await call("POST", "/init/error", errorBody(error), {
    "content-type": "application/json",
    "lambda-runtime-function-error-type": error?.name ?? "Runtime.UnknownError",
    [INIT_TIMING_HEADER]: JSON.stringify(initTiming),
  });
  process.exit(1);
}

for (let first = true; ; first = false) {
  const next = await call(
    "GET",
    "/invocation/next",
    undefined,
    first ? { [INIT_TIMING_HEADER]: JSON.stringify(initTiming) } : {},
  );
  if (next.status !== 200) {
    process.stderr.write(`bootstrap: runtime API answered ${next.status} to next\n`);
    process.exit(1);
  }
  const context = makeContext(next.headers);
  currentRequestId = context.awsRequestId;
  process.env._X_AMZN_TRACE_ID = String(next.headers["lambda-runtime-trace-id"] ?? "");
  let outcome;
  // CPU time of this invocation (all threads), for the lab's cost model; Lambda itself reports none.
  const cpuStart = process.cpuUsage();
  try {
    const event = JSON.parse(next.body.toString("utf8") || "null");
    const result = await runHandler(handler, event, context);
    outcome = {
      path: "response",
      body: JSON.stringify(result === undefined ? null : result),
      type: undefined,
    };
  } catch (error) {
    console.error(`Invoke Error \t${errorBody(error)}`);
    outcome = { path: "error", body: errorBody(error), type: error?.name ?? "Error" };
  }
  const cpu = process.cpuUsage(cpuStart);
  process.stdout.write(`${END_MARKER}${context.awsRequestId}\n`);
  process.stderr.write(`${END_MARKER}${context.awsRequestId}\n`);
  await call("POST", `/invocation/${context.awsRequestId}/${outcome.path}`, outcome.body, {
    "content-type": "application/json",
    [CPU_TIME_HEADER]: String(cpu.user + cpu.system),
    ...(outcome.type ? { "lambda-runtime-function-error-type": outcome.type } : {}),
  });
  currentRequestId = undefined;
}
