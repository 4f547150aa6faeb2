import { createReadStream, existsSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { triggered } from "@lambda-lab/catalog";
import * as z from "zod";
import { corsHeaders, HttpError, parseBody as parse, readBody, readJson, sendJson } from "../http.js";
import { PAGE_DIR } from "../paths.js";
import { TooManyRequestsError } from "../runtime/function-pool.js";
import { UnknownFunctionError } from "../runtime/lambda-runtime.js";
import { architectureSvg } from "./architecture-route.js";
import { lambdaInvokeApi } from "./lambda-api.js";
import type { EventSource, InvokeTarget, LabActions, LabQueries, Route, SamplePayload } from "./ports.js";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json",
};

/** The functions "run now" starts: the catalog's scheduled ones. */
const BATCH_FUNCTION_IDS = triggered("schedule").map((t) => t.id);

const BurstRequest = z.strictObject({
  functionId: z.string().min(1).optional(),
  count: z.number().int().min(1, "count must be at least 1").max(200, "count must be at most 200"),
  payload: z.unknown().optional(),
});
const InvokeRequest = z.strictObject({
  payload: z.unknown().optional(),
  invocationType: z.enum(["RequestResponse", "Event"]).default("RequestResponse"),
});
const RunRequest = z.strictObject({
  dryRun: z.boolean().optional(),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "date must be YYYY-MM-DD")
    .optional(),
});
const AgeRequest = z.strictObject({
  key: z.string().min(1),
  hours: z
    .number()
    .min(0)
    .max(24 * 365),
});

/**
 * The lab's HTTP API for the page (JSON + server-sent events), the Lambda Invoke API, and the page itself
 * from packages/lab/page/. Documented in packages/lab/README.md.
 */
export interface LabServerDeps {
  events: EventSource;
  functions: InvokeTarget;
  queries: LabQueries;
  actions: LabActions;
  /** A burst's or invoke's payload when none is given: the sample event, so it does the function's real work. */
  samplePayload?: SamplePayload;
  /** The stack's architecture diagram (architecture-route.ts reads docs/): replaceable in tests. */
  architectureSvg?: (stack: string) => string;
  /** More API routes, each in its own module (lesson-routes.ts, invocation-detail-route.ts): true when one answered. */
  routes?: readonly Route[];
}

export const createLabServer = (deps: LabServerDeps) => {
  const { queries, actions, functions } = deps;
  const invokeApi = lambdaInvokeApi(functions);
  const diagram = deps.architectureSvg ?? ((stack: string) => architectureSvg(stack));

  const sse = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      ...corsHeaders(req.headers.origin),
    });
    const url = new URL(req.url ?? "/", "http://localhost");
    const only = url.searchParams.get("types")?.split(",").filter(Boolean);
    let id = 0;
    const send = (type: string, data: unknown) =>
      res.write(`id: ${++id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    send("hello", { at: Date.now(), urls: queries.urls });
    const listener = (event: { type: string; at: number; data: unknown }) => {
      if (!only || only.includes(event.type)) send(event.type, { at: event.at, ...(event.data as object) });
    };
    deps.events.on("event", listener);
    // A comment every 15 s keeps proxies and browsers from closing an idle stream.
    const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
    req.on("close", () => {
      clearInterval(keepAlive);
      deps.events.off("event", listener);
    });
  };

  const serveStatic = (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    const relative = normalize(decodeURIComponent(pathname === "/" ? "/index.html" : pathname)).replace(
      /^([/\\])+/,
      "",
    );
    const file = join(PAGE_DIR, relative);
    if (!file.startsWith(PAGE_DIR + sep) || !existsSync(file) || !statSync(file).isFile())
      throw new HttpError(404, `no page file ${pathname}`);
    res.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-cache",
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  };

  const defaultPayload = async (functionId: string): Promise<unknown> =>
    deps.samplePayload ? deps.samplePayload(functionId) : {};

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const cors = corsHeaders(req.headers.origin);
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    const method = req.method ?? "GET";
    if (method === "OPTIONS") {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const json = (status: number, body: unknown) => sendJson(res, status, body, cors);
    try {
      if (path.startsWith("/2015-03-31/functions/")) return await invokeApi(req, res);
      if (!path.startsWith("/api/")) {
        if (method !== "GET" && method !== "HEAD")
          throw new HttpError(405, `${method} is not allowed on page files`);
        return serveStatic(req, res, path);
      }
      if (path === "/api/events" && method === "GET") return sse(req, res);
      for (const route of deps.routes ?? []) if (await route(req, res, url)) return;
      if (path === "/api/state" && method === "GET") return json(200, await queries.state());
      if (path === "/api/cost" && method === "GET") return json(200, queries.cost());
      if (path === "/api/architecture.svg" && method === "GET") {
        const svg = diagram(queries.stackName);
        res.writeHead(200, { "content-type": CONTENT_TYPES[".svg"]!, "cache-control": "no-cache", ...cors });
        return void res.end(svg);
      }
      if (path === "/api/invocations" && method === "GET") {
        const limit = Number(url.searchParams.get("limit") ?? 100);
        const functionId = url.searchParams.get("function") ?? undefined;
        return json(
          200,
          queries.invocations({
            ...(functionId ? { functionId } : {}),
            limit: Number.isFinite(limit) ? limit : 100,
          }),
        );
      }
      if (path === "/api/concurrency" && method === "GET") {
        const state = functions.state();
        return json(
          200,
          state.map((f) => ({
            functionId: f.id,
            concurrent: f.concurrent,
            limit: f.concurrencyLimit,
            reservedConcurrency: f.reservedConcurrency ?? null,
            queued: f.queued,
            history: queries.concurrencyHistory()[f.id] ?? [],
          })),
        );
      }
      if (path === "/api/burst" && method === "POST") {
        const body = parse(BurstRequest, await readJson(req));
        if (!body.functionId) throw new HttpError(400, 'functionId: required (e.g. "upload")');
        if (!functions.has(body.functionId))
          throw new UnknownFunctionError(body.functionId, functions.functionIds);
        const payload = body.payload === undefined ? await defaultPayload(body.functionId) : body.payload;
        return json(200, await actions.burst(body.functionId, body.count, payload));
      }
      const fnMatch = /^\/api\/functions\/([a-z0-9-]+)\/(invoke|burst)$/.exec(path);
      if (fnMatch && method === "POST") {
        const [, functionId, action] = fnMatch as unknown as [string, string, string];
        if (!functions.has(functionId)) throw new UnknownFunctionError(functionId, functions.functionIds);
        if (action === "burst") {
          const body = parse(BurstRequest, await readJson(req));
          const payload = body.payload === undefined ? await defaultPayload(functionId) : body.payload;
          return json(200, await actions.burst(functionId, body.count, payload));
        }
        const body = parse(InvokeRequest, await readJson(req));
        const payload = body.payload === undefined ? await defaultPayload(functionId) : body.payload;
        if (body.invocationType === "Event")
          return json(202, { requestId: functions.invokeAsync(functionId, payload, { source: "page" }) });
        return json(200, await functions.invoke(functionId, payload, { source: "page" }));
      }
      const runMatch = /^\/api\/(?:batch|functions)\/([a-z0-9-]+)\/run$/.exec(path);
      const batchId = BATCH_FUNCTION_IDS.find((id) => id === runMatch?.[1]);
      if (batchId && method === "POST") {
        const body = parse(RunRequest, await readJson(req));
        const run = await actions.runNow(batchId, {
          ...(body.dryRun !== undefined ? { dryRun: body.dryRun } : {}),
          ...(body.date ? { date: body.date } : {}),
        });
        return json(200, run);
      }
      if (path === "/api/batch" && method === "GET") return json(200, queries.batchRuns());
      if ((path === "/api/slack" || path === "/api/slack/messages") && method === "GET")
        return json(200, queries.slackMessages());
      if (path === "/api/on-failure" && method === "GET") return json(200, queries.onFailureRecords());
      if (path === "/api/uploads" && method === "GET") return json(200, await queries.uploads());
      if (path === "/api/uploads/age" && method === "POST") {
        const body = parse(AgeRequest, await readJson(req));
        return json(200, await actions.ageUpload(body.key, body.hours));
      }
      if (path === "/api/posts" && method === "GET") return json(200, await queries.posts());
      throw new HttpError(404, `no route ${method} ${path}; see packages/lab/README.md for the API`);
    } catch (error) {
      if (error instanceof TooManyRequestsError)
        return json(429, { Type: "User", message: error.message, Reason: error.reason });
      if (error instanceof UnknownFunctionError) return json(404, { error: error.message });
      if (error instanceof HttpError) return json(error.status, { error: error.message });
      // Drain what the client sent, so the error reaches it instead of a reset.
      await readBody(req).catch(() => undefined);
      return json(500, { error: (error as Error).message });
    }
  };
};
