import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLabServer, type LabServerDeps } from "../../src/server/lab-server.js";
import type { LabActions, LabQueries, StreamedEvent } from "../../src/server/ports.js";
import { fakeFunctions, invocationRecord, throttled } from "../support/fake-functions.js";

/**
 * The lab's HTTP API for the page (packages/lab/README.md, "HTTP API") over fakes of the narrow
 * interfaces it depends on: routes, validation messages, status codes and the event stream, with no
 * services, workers or root behind it.
 */

let server: Server | undefined;

const fakeQueries = (over: Partial<LabQueries> = {}): LabQueries => ({
  urls: { page: "http://lab/" },
  stackName: "dev",
  state: async () => ({ stack: "dev" }),
  cost: () => ({ totalUsd: 0 }),
  invocations: (filter = {}) =>
    [invocationRecord({ requestId: "a" }), invocationRecord({ requestId: "b", functionId: "daily-stats" })]
      .filter((r) => !filter.functionId || r.functionId === filter.functionId)
      .slice(-(filter.limit ?? 100)),
  concurrencyHistory: () => ({ upload: [{ at: 1, concurrent: 2 }] }),
  batchRuns: () => [],
  onFailureRecords: () => [],
  uploads: async () => [],
  slackMessages: () => [{ text: "hi" }],
  posts: async () => [],
  ...over,
});

const recordingActions = () => {
  const calls: { action: string; args: unknown[] }[] = [];
  const record = <T>(action: string, args: unknown[], answer: T): T => {
    calls.push({ action, args });
    return answer;
  };
  const actions: LabActions = {
    burst: async (...args) => record("burst", args, { ok: args[1] }),
    runNow: async (...args) => record("runNow", args, { ran: args[0] }),
    ageUpload: async (...args) => record("ageUpload", args, { changed: true }),
  };
  return { calls, actions };
};

const serve = async (over: Partial<LabServerDeps> = {}) => {
  const events = new EventEmitter<{ event: [StreamedEvent] }>();
  const functions = fakeFunctions();
  const { calls, actions } = recordingActions();
  const handler = createLabServer({
    events,
    functions,
    queries: fakeQueries(),
    actions,
    samplePayload: async (id) => ({ sampleOf: id }),
    architectureSvg: (stack) => `<svg data-stack="${stack}"/>`,
    ...over,
  });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
  return { base, post, events, functions, calls };
};

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe("the lab's HTTP API", () => {
  it("reads state, cost, invocations (filtered), concurrency and Slack messages from its queries", async () => {
    const { base } = await serve();
    expect(await (await fetch(`${base}/api/state`)).json()).toEqual({ stack: "dev" });
    const daily = (await (await fetch(`${base}/api/invocations?function=daily-stats`)).json()) as {
      requestId: string;
    }[];
    expect(daily.map((r) => r.requestId)).toEqual(["b"]);
    const concurrency = (await (await fetch(`${base}/api/concurrency`)).json()) as Record<string, unknown>[];
    expect(concurrency[0]).toMatchObject({
      functionId: "upload",
      limit: 5,
      reservedConcurrency: 5,
      history: [{ at: 1, concurrent: 2 }],
    });
    expect(concurrency[1]).toMatchObject({
      functionId: "orphan-cleanup",
      reservedConcurrency: null,
      history: [],
    });
    expect(await (await fetch(`${base}/api/slack`)).json()).toEqual([{ text: "hi" }]);
    const svg = await fetch(`${base}/api/architecture.svg`);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(await svg.text()).toBe('<svg data-stack="dev"/>');
  });

  it("invokes with the function's sample event when no payload is given, synchronously or as an Event", async () => {
    const { post, functions } = await serve();
    const sync = await post("/api/functions/upload/invoke", {});
    expect(sync.status).toBe(200);
    const queued = await post("/api/functions/upload/invoke", {
      invocationType: "Event",
      payload: { mine: 1 },
    });
    expect(queued.status).toBe(202);
    expect(await queued.json()).toEqual({ requestId: "async-1" });
    expect(functions.calls).toMatchObject([
      { kind: "invoke", functionId: "upload", payload: { sampleOf: "upload" }, options: { source: "page" } },
      { kind: "invokeAsync", functionId: "upload", payload: { mine: 1 } },
    ]);
  });

  it("answers 404 naming the functions for an unknown one, and 429 with the reason when throttled", async () => {
    const { post } = await serve();
    const unknown = await post("/api/functions/nope/invoke", {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: "Function not found: nope (the lab has upload, orphan-cleanup, daily-stats)",
    });

    const busy = await serve({ functions: fakeFunctions(["upload"], (id) => throttled(id)) });
    const response = await busy.post("/api/functions/upload/invoke", {});
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({
      Reason: "ReservedFunctionConcurrentInvocationLimitExceeded",
    });
  });

  it("validates a burst and names what is wrong", async () => {
    const { post, calls } = await serve();
    expect(await (await post("/api/burst", { count: 3 })).json()).toEqual({
      error: 'functionId: required (e.g. "upload")',
    });
    const tooMany = await post("/api/functions/upload/burst", { count: 500 });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: string }).error).toMatch(/count must be at most 200/);
    expect((await post("/api/burst", { functionId: "upload", count: 3, extra: 1 })).status).toBe(400);
    expect(calls).toEqual([]);

    expect(await (await post("/api/burst", { functionId: "upload", count: 3 })).json()).toEqual({ ok: 3 });
    expect(calls).toEqual([{ action: "burst", args: ["upload", 3, { sampleOf: "upload" }] }]);
  });

  it("runs only the catalog's batch functions now, with a checked date", async () => {
    const { post, calls } = await serve();
    expect((await post("/api/functions/daily-stats/run", { date: "2026-11-30" })).status).toBe(200);
    expect((await post("/api/batch/orphan-cleanup/run", { dryRun: true })).status).toBe(200);
    expect(calls).toEqual([
      { action: "runNow", args: ["daily-stats", { date: "2026-11-30" }] },
      { action: "runNow", args: ["orphan-cleanup", { dryRun: true }] },
    ]);
    expect((await post("/api/functions/upload/run", {})).status).toBe(404);
    const badDate = await post("/api/functions/daily-stats/run", { date: "30/11/2026" });
    expect(badDate.status).toBe(400);
    expect(((await badDate.json()) as { error: string }).error).toMatch(/date must be YYYY-MM-DD/);
  });

  it("ages an upload through its action, refusing hours out of range", async () => {
    const { post, calls } = await serve();
    expect((await post("/api/uploads/age", { key: "uploads/a.jpg", hours: -1 })).status).toBe(400);
    expect(await (await post("/api/uploads/age", { key: "uploads/a.jpg", hours: 30 })).json()).toEqual({
      changed: true,
    });
    expect(calls).toEqual([{ action: "ageUpload", args: ["uploads/a.jpg", 30] }]);
  });

  it("streams lab events as server-sent events, only the types asked for", async () => {
    const { base, events } = await serve();
    const controller = new AbortController();
    const response = await fetch(`${base}/api/events?types=throttle`, { signal: controller.signal });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    expect(text).toMatch(/^id: 1\nevent: hello\ndata: \{"at":\d+,"urls":\{"page":"http:\/\/lab\/"\}\}\n\n$/);
    events.emit("event", { type: "invocation", at: 5, data: { requestId: "x" } });
    events.emit("event", { type: "throttle", at: 6, data: { functionId: "upload" } });
    text = decoder.decode((await reader.read()).value);
    expect(text).toBe('id: 2\nevent: throttle\ndata: {"at":6,"functionId":"upload"}\n\n');
    controller.abort();
  });

  it("serves the page's files and refuses a path outside the page folder or a write to one", async () => {
    const { base } = await serve();
    const index = await fetch(`${base}/`);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await index.text()).toMatch(/<html/i);
    expect((await fetch(`${base}/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${base}/index.html`, { method: "PUT" })).status).toBe(405);
    const unknown = await fetch(`${base}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: "no route GET /api/nothing-here; see packages/lab/README.md for the API",
    });
  });

  it("tries the route modules before its own routes", async () => {
    const { base } = await serve({
      routes: [
        async (_req, res, url) => {
          if (url.pathname !== "/api/extra") return false;
          res.writeHead(200, { "content-type": "application/json" });
          res.end('{"extra":true}');
          return true;
        },
      ],
    });
    expect(await (await fetch(`${base}/api/extra`)).json()).toEqual({ extra: true });
    expect((await fetch(`${base}/api/state`)).status).toBe(200);
  });
});
