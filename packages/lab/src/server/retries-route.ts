import type { IncomingMessage, ServerResponse } from "node:http";
import { corsHeaders, HttpError, readJson, sendJson } from "../http.js";
import { type FaultSwitch, RETRY_DEMO_ID } from "../retries/fault-switch.js";
import type { RetryClock } from "../retries/retry-clock.js";
import type { RetryTimelines } from "../retries/timeline.js";
import type { OnFailureQueue } from "../services/on-failure-queue.js";

export interface RetriesRouteDeps {
  clock: RetryClock;
  timelines: Pick<RetryTimelines, "list" | "redriven">;
  faults: FaultSwitch;
  onFailure: Pick<OnFailureQueue, "entries" | "redrive">;
  runtime: {
    readonly functionIds: readonly string[];
    invokeAsync(functionId: string, payload: unknown, options?: { source?: string }): string;
  };
  /** The function's ARN without a qualifier (`arn:aws:lambda:…:function:lambda-lab-dev-<id>`). */
  functionArn: (functionId: string) => string;
}

const bodyOf = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
  const body = await readJson(req);
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HttpError(400, "the request body must be a JSON object");
  return body as Record<string, unknown>;
};

/**
 * The async-retries lesson on the lab API (documented in packages/lab/README.md):
 * `GET /api/retries` (clock, demo function, timelines, on-failure queue with redrives),
 * `POST /api/retries/clock` `{ mode, speed? }`, `POST /api/retries/skip` `{ requestId? }`,
 * `POST /api/retries/fault` `{ fault }`, `POST /api/retries/invoke` `{ fault: "error" | "timeout" }` and
 * `POST /api/on-failure/:requestId/redrive`. Returns a handler that answers true when it took the request.
 */
export const retriesRoute = (deps: RetriesRouteDeps) => {
  const functionIdOf = (functionArn: string) =>
    deps.runtime.functionIds.find((id) => functionArn.startsWith(`${deps.functionArn(id)}:`));
  const snapshot = () => ({
    clock: deps.clock.state(),
    demo: { functionId: RETRY_DEMO_ID, fault: deps.faults.get() },
    timelines: deps.timelines.list(),
    onFailure: deps.onFailure.entries(),
  });

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const path = url.pathname;
    const method = req.method ?? "GET";
    const redrive = /^\/api\/on-failure\/([A-Za-z0-9-]+)\/redrive$/.exec(path);
    if (!path.startsWith("/api/retries") && !redrive) return false;
    const json = (status: number, body: unknown) => {
      sendJson(res, status, body, corsHeaders(req.headers.origin));
      return true;
    };
    // Bad input (a wrong mode, speed or fault, an unknown request): 4xx naming the problem.
    const refuse = (error: unknown) => {
      const status = (error as { status?: unknown }).status;
      if (typeof status === "number" && status >= 400 && status < 500)
        return json(status, { error: (error as Error).message });
      throw error;
    };
    try {
      if (path === "/api/retries" && method === "GET") return json(200, snapshot());
      if (path === "/api/retries/clock" && method === "POST") {
        const body = await bodyOf(req);
        return json(200, deps.clock.set(body.mode as never, body.speed as number | undefined));
      }
      if (path === "/api/retries/skip" && method === "POST") {
        const body = await bodyOf(req);
        if (body.requestId !== undefined && typeof body.requestId !== "string")
          throw new HttpError(400, "requestId must be a string");
        return json(200, { skipped: deps.clock.skip(body.requestId), clock: deps.clock.state() });
      }
      if (path === "/api/retries/fault" && method === "POST") {
        const body = await bodyOf(req);
        return json(200, { functionId: RETRY_DEMO_ID, fault: await deps.faults.set(body.fault) });
      }
      if (path === "/api/retries/invoke" && method === "POST") {
        const body = await bodyOf(req);
        if (body.fault !== "error" && body.fault !== "timeout")
          throw new HttpError(400, `fault must be "error" or "timeout" (got ${JSON.stringify(body.fault)})`);
        if (!deps.runtime.functionIds.includes(RETRY_DEMO_ID))
          return json(404, {
            error: `this lab runs no ${RETRY_DEMO_ID} function (the lesson's failing function)`,
          });
        // Break the function the way asked, then send it one event, asynchronously (Lambda's 202).
        const fault = await deps.faults.set(body.fault);
        const payload = { lesson: "async-retries", trigger: fault, sentAt: new Date().toISOString() };
        const requestId = deps.runtime.invokeAsync(RETRY_DEMO_ID, payload, { source: "lesson" });
        return json(202, { requestId, functionId: RETRY_DEMO_ID, fault, payload, clock: deps.clock.state() });
      }
      if (redrive && method === "POST") {
        await bodyOf(req);
        const requestId = redrive[1]!;
        const result = await deps.onFailure.redrive(requestId, {
          functionIdOf,
          invokeAsync: (functionId, payload) =>
            deps.runtime.invokeAsync(functionId, payload, { source: "redrive" }),
        });
        deps.timelines.redriven(requestId, result.redrivenAs);
        return json(202, result);
      }
      return json(405, { error: `${method} ${path} is not a retries route` });
    } catch (error) {
      return refuse(error);
    }
  };
};
