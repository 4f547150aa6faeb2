import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Environment } from "./environment.js";
import { parseInitTiming } from "./init-split.js";
import { CPU_TIME_HEADER, INIT_TIMING_HEADER } from "./protocol.mjs";

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

// `lab/debugger` is the lab's own: the inspect-mode watcher thread reports debugger pauses there.
const ROUTE =
  /^\/([0-9a-f]+)\/2018-06-01\/runtime\/(invocation\/next|invocation\/([^/]+)\/(response|error)|init\/error|lab\/debugger)$/;

export interface RuntimeApi {
  /** `host:port`, the base of every worker's AWS_LAMBDA_RUNTIME_API (each adds its own path segment). */
  address: string;
  register(env: Environment): void;
  unregister(env: Environment): void;
  close(): Promise<void>;
}

/**
 * The Lambda Runtime API (2018-06-01) the workers poll, one loopback server for all of them. Each worker's
 * AWS_LAMBDA_RUNTIME_API carries its environment id as a path segment, so requests route to their environment.
 */
export const startRuntimeApi = async (): Promise<RuntimeApi> => {
  const environments = new Map<string, Environment>();
  const reply = (res: ServerResponse, status: number, body: object = { status: "OK" }) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer(async (req, res) => {
    const match = ROUTE.exec(req.url ?? "");
    const env = match ? environments.get(match[1]!) : undefined;
    if (!match || !env) return reply(res, 404, { errorType: "NotFound", errorMessage: req.url ?? "" });
    const [, , route, requestId, kind] = match;
    if (route === "invocation/next" && req.method === "GET")
      return env.handleNext(res, parseInitTiming(req.headers[INIT_TIMING_HEADER]));
    if (req.method !== "POST") return reply(res, 405, { errorType: "MethodNotAllowed" });
    const body = await readBody(req);
    const errorType = req.headers["lambda-runtime-function-error-type"];
    const type = typeof errorType === "string" ? errorType : undefined;
    if (route === "lab/debugger") {
      let state: unknown;
      try {
        state = (JSON.parse(body) as { state?: unknown }).state;
      } catch {
        state = undefined;
      }
      if (state !== "paused" && state !== "resumed") return reply(res, 400, { errorType: "InvalidState" });
      env.handleDebugger(state);
      return reply(res, 202);
    }
    if (route === "init/error") {
      env.handleInitError(body, type, parseInitTiming(req.headers[INIT_TIMING_HEADER]));
      return reply(res, 202);
    }
    const cpuTimeUs = Number(req.headers[CPU_TIME_HEADER]);
    const status = env.handleResult(
      decodeURIComponent(requestId!),
      kind as "response" | "error",
      body,
      type,
      {
        cpuTimeMs: Number.isFinite(cpuTimeUs) ? cpuTimeUs / 1000 : undefined,
      },
    );
    reply(res, status, status === 202 ? { status: "OK" } : { errorType: "InvalidRequestID" });
  });
  server.keepAliveTimeout = 0;
  // The long poll for the next event waits as long as the environment lives.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    register: (env) => void environments.set(env.id, env),
    unregister: (env) => void environments.delete(env.id),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
