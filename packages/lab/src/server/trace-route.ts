import type { IncomingMessage, ServerResponse } from "node:http";
import { corsHeaders, sendJson } from "../http.js";
import type { Trace } from "../trace/tracer.js";

const PARAMS = ["key", "requestId", "alarm", "q"] as const;

/**
 * `GET /api/trace?key=…|requestId=…|alarm=…|q=…`: the path an object, an invocation or an alarm took, step
 * by step with a reason at each branch (src/trace/tracer.ts). `q` is whichever of the three the lab knows
 * it as. 200 with the trace; 404 when the lab saw nothing for it, with the trace still saying why nothing
 * happened (for a key: what its notifications would decide).
 */
export const traceRoute =
  (deps: { trace: (query: Partial<Record<(typeof PARAMS)[number], string>>) => Trace }) =>
  async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== "/api/trace" || req.method !== "GET") return false;
    const cors = corsHeaders(req.headers.origin);
    const given = PARAMS.filter((p) => url.searchParams.get(p));
    if (given.length !== 1) {
      sendJson(
        res,
        400,
        {
          error:
            given.length === 0
              ? "name what to trace: ?key=<object key>, ?requestId=<request id>, ?alarm=<alarm name> or ?q=<any of them>"
              : `name one thing to trace, not ${given.join(" and ")}`,
        },
        cors,
      );
      return true;
    }
    const param = given[0]!;
    const trace = deps.trace({ [param]: url.searchParams.get(param)! });
    if (trace.found) sendJson(res, 200, trace, cors);
    else sendJson(res, 404, { error: trace.summary, trace }, cors);
    return true;
  };
