import type { IncomingMessage, ServerResponse } from "node:http";
import { corsHeaders, HttpError, readJson, sendJson } from "../http.js";
import { type CheckpointDemo, CheckpointDemoError } from "../lessons/checkpoint-demo.js";

const objectBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
  const body = await readJson(req);
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HttpError(400, "the request body must be a JSON object");
  return body as Record<string, unknown>;
};

/**
 * The 15-minute-limit lesson on the lab API (documented in packages/lab/README.md):
 * `GET /api/lessons/checkpoint-demo` (the generated bucket, the last run, the checkpoint file now),
 * `POST /api/lessons/checkpoint-demo/generate` `{ objects }` and `POST /api/lessons/checkpoint-demo/run`
 * `{ timeoutSeconds }`. Returns a handler that answers true when it took the request.
 */
export const checkpointDemoRoute = (demo: Pick<CheckpointDemo, "generate" | "run" | "state">) => {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const path = url.pathname;
    if (!path.startsWith("/api/lessons/checkpoint-demo")) return false;
    const method = req.method ?? "GET";
    const json = (status: number, body: unknown) => {
      sendJson(res, status, body, corsHeaders(req.headers.origin));
      return true;
    };
    try {
      if (path === "/api/lessons/checkpoint-demo" && method === "GET") return json(200, await demo.state());
      if (path === "/api/lessons/checkpoint-demo/generate" && method === "POST")
        return json(200, await demo.generate(await objectBody(req)));
      if (path === "/api/lessons/checkpoint-demo/run" && method === "POST")
        return json(200, await demo.run(await objectBody(req)));
    } catch (error) {
      if (error instanceof CheckpointDemoError || error instanceof HttpError)
        return json(error.status, { error: error.message });
      throw error;
    }
    return json(404, { error: `no ${method} ${path} (see packages/lab/README.md)` });
  };
};
