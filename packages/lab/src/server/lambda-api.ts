import type { IncomingMessage, ServerResponse } from "node:http";
import { readInvokeBody } from "../lessons/payload-limit.js";
import { type InvocationRecord, TooManyRequestsError } from "../runtime/function-pool.js";
import type { InvokeTarget } from "./ports.js";

/** The execution log Lambda returns with `LogType: Tail`: its last 4 KB, base64. */
export const logTail = (record: InvocationRecord): string => {
  const text = [
    `START RequestId: ${record.requestId} Version: $LATEST`,
    ...record.logs,
    `END RequestId: ${record.requestId}`,
    record.report,
    "",
  ].join("\n");
  const bytes = Buffer.from(text);
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString("base64");
};

/**
 * The Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`), so `lab invoke`, curl or an AWS
 * SDK client pointed at the lab invoke functions the way they would in AWS: RequestResponse (200, or 429
 * TooManyRequestsException over the concurrency), Event (202, queued), DryRun (204). Signatures are not checked.
 */
export const lambdaInvokeApi = (runtime: InvokeTarget) => {
  const idOf = (name: string): string | undefined => {
    const bare = decodeURIComponent(name)
      .replace(/^arn:aws:lambda:[^:]+:\d+:function:/, "")
      .replace(/:\$LATEST$/, "");
    if (runtime.has(bare)) return bare;
    return runtime.functionIds.find((id) => runtime.functionName(id) === bare);
  };
  const error = (res: ServerResponse, status: number, type: string, body: object) => {
    res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": type });
    res.end(JSON.stringify({ Type: "User", ...body }));
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(
      new URL(req.url ?? "/", "http://l").pathname,
    );
    if (!match || req.method !== "POST")
      return error(res, 404, "UnknownOperationException", {
        message: "only POST …/functions/{name}/invocations",
      });
    const functionId = idOf(match[1]!);
    if (!functionId)
      return error(res, 404, "ResourceNotFoundException", {
        message: `Function not found: ${decodeURIComponent(match[1]!)} (the lab has ${runtime.functionIds.join(", ")})`,
      });
    const type = String(req.headers["x-amz-invocation-type"] ?? "RequestResponse");
    const body = await readInvokeBody(req, type);
    if (!body.ok) return error(res, 413, "RequestEntityTooLargeException", { message: body.message });
    const payload = body.payload;
    const text = payload.length === 0 ? "{}" : payload.toString("utf8");
    try {
      JSON.parse(text);
    } catch {
      return error(res, 400, "InvalidRequestContentException", {
        message: "Could not parse request body into json",
      });
    }
    if (type === "DryRun") {
      res.writeHead(204);
      return void res.end();
    }
    if (type === "Event") {
      const requestId = runtime.invokeAsync(functionId, text, { source: "invoke-api" });
      res.writeHead(202, { "x-amzn-requestid": requestId });
      return void res.end();
    }
    if (type !== "RequestResponse")
      return error(res, 400, "InvalidParameterValueException", { message: `unknown InvocationType ${type}` });
    try {
      const clientContext = req.headers["x-amz-client-context"];
      const record = await runtime.invoke(functionId, text, {
        source: "invoke-api",
        ...(typeof clientContext === "string"
          ? { clientContext: Buffer.from(clientContext, "base64").toString("utf8") }
          : {}),
      });
      res.writeHead(200, {
        "content-type": "application/json",
        "x-amzn-requestid": record.requestId,
        "x-amz-executed-version": "$LATEST",
        ...(record.status !== "success" ? { "x-amz-function-error": "Unhandled" } : {}),
        ...(req.headers["x-amz-log-type"] === "Tail" ? { "x-amz-log-result": logTail(record) } : {}),
        // Not in AWS's API: what the lab knows about the invocation, for `lab invoke` and the page.
        "x-lab-report": record.report.replaceAll("\t", "  "),
        "x-lab-cold-start": String(record.cold),
      });
      res.end(record.body);
    } catch (e) {
      if (e instanceof TooManyRequestsError)
        return error(res, 429, "TooManyRequestsException", { message: e.message, Reason: e.reason });
      throw e;
    }
  };
};
