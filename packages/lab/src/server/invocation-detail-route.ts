import type { IncomingMessage, ServerResponse } from "node:http";
import { corsHeaders, sendJson } from "../http.js";
import type { InvocationRecord } from "../runtime/function-pool.js";

/** The body as the page shows it: JSON when it is JSON, else the text. */
const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * One invocation in full, as CloudWatch Logs and the Invoke API would show it: the START line, the
 * function's own lines, END and REPORT, the response or Lambda's error object, init duration and memory.
 * Async retries share their request id, so every attempt is returned, oldest first.
 */
export const invocationDetail = (records: readonly InvocationRecord[], requestId: string) =>
  records
    .filter((r) => r.requestId === requestId)
    .map((r) => ({
      requestId: r.requestId,
      functionId: r.functionId,
      functionName: r.functionName,
      attempt: r.attempt,
      invocationType: r.invocationType,
      source: r.source,
      status: r.status,
      cold: r.cold,
      initDurationMs: r.initDurationMs ?? null,
      initSplit: r.initSplit ?? null,
      durationMs: r.durationMs,
      billedDurationMs: r.billedDurationMs,
      maxMemoryUsedMb: r.maxMemoryUsedMb,
      memorySizeMb: r.memorySizeMb,
      startedAt: new Date(r.startedAt).toISOString(),
      // The event, once the runtime records it with the invocation (not every version does).
      ...("payload" in r ? { event: parsed(String((r as { payload: unknown }).payload)) } : {}),
      ...(r.status === "success"
        ? { response: parsed(r.body) }
        : { error: parsed(r.body), errorType: r.errorType }),
      // Lambda writes INIT_START (a cold start's init) before START; the worker's lines may carry it after.
      log: [
        ...r.logs.filter((l) => l.startsWith("INIT_START")),
        `START RequestId: ${r.requestId} Version: $LATEST`,
        ...r.logs.filter((l) => !l.startsWith("INIT_START")),
        `END RequestId: ${r.requestId}`,
        r.report,
      ],
    }));

/** `GET /api/invocations/:requestId` (404 when the lab no longer holds it: it keeps the last 500). */
export const invocationDetailRoute =
  (deps: { invocations: () => readonly InvocationRecord[] }) =>
  async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const match = /^\/api\/invocations\/([A-Za-z0-9-]+)$/.exec(url.pathname);
    if (!match || req.method !== "GET") return false;
    const attempts = invocationDetail(deps.invocations(), match[1]!);
    const cors = corsHeaders(req.headers.origin);
    if (attempts.length === 0)
      sendJson(res, 404, { error: `no invocation ${match[1]} (the lab keeps the latest 500)` }, cors);
    else sendJson(res, 200, { requestId: match[1], attempts }, cors);
    return true;
  };
