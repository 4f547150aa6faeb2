import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../http.js";
import { TooManyRequestsError } from "../runtime/function-pool.js";
import type { LambdaRuntime } from "../runtime/lambda-runtime.js";

/** API Gateway HTTP APIs cap request payloads at 10 MB. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+(json|xml))/i;

/** API Gateway's request id format (`Xy4Z1gGtjoEEMUQ=`-like), enough to correlate logs. */
const apiRequestId = () => randomBytes(10).toString("base64").replace(/[+/]/g, "A");

/**
 * The HTTP API event, payload format 2.0, for one request: lower-cased headers joined with commas,
 * cookies split out, a text body as-is and a binary one base64-encoded.
 */
export const toApiGatewayV2Event = (
  req: IncomingMessage,
  body: Buffer,
  options: { apiId: string; stage?: string; region: string; accountId: string; now?: Date },
) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === "cookie") continue;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const cookies = (req.headers.cookie ?? "")
    .split(";")
    .map((c) => c.trim())
    .filter(Boolean);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const contentType = req.headers["content-type"] ?? "";
  const isText = body.length === 0 || TEXT_TYPES.test(contentType);
  const now = options.now ?? new Date();
  const method = req.method ?? "GET";
  const host = req.headers.host ?? "localhost";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: options.accountId,
      apiId: options.apiId,
      domainName: host,
      domainPrefix: host.split(".")[0] ?? host,
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
        userAgent: req.headers["user-agent"] ?? "",
      },
      requestId: apiRequestId(),
      routeKey: "$default",
      stage: options.stage ?? "$default",
      time: now.toUTCString().replace(/^\w+, (\d+) (\w+) (\d+) ([\d:]+) GMT$/, "$1/$2/$3:$4 +0000"),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? body.toString("utf8") : body.toString("base64") } : {}),
    isBase64Encoded: !isText,
  };
};

interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/**
 * Payload format 2.0's response rules: an object with `statusCode` is used as it is; anything else is
 * taken as a JSON body with status 200.
 */
export const fromLambdaResult = (payload: string): ProxyResult => {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return {
      statusCode: 200,
      headers: { "content-type": "application/json" },
      cookies: [],
      body: Buffer.from(payload),
    };
  }
  const v = value as Record<string, unknown> | null;
  if (typeof v === "object" && v !== null && typeof v.statusCode === "number") {
    const headers: Record<string, string> = {};
    for (const [k, h] of Object.entries((v.headers as Record<string, unknown>) ?? {}))
      if (h !== undefined && h !== null) headers[k.toLowerCase()] = String(h);
    const text = typeof v.body === "string" ? v.body : v.body === undefined ? "" : JSON.stringify(v.body);
    return {
      statusCode: v.statusCode,
      headers,
      cookies: Array.isArray(v.cookies) ? v.cookies.map(String) : [],
      body: v.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text),
    };
  }
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    cookies: [],
    body: Buffer.from(payload),
  };
};

export interface ApiGatewayOptions {
  runtime: LambdaRuntime;
  functionId: string;
  /** The API's CORS configuration: API Gateway answers preflights and adds the headers itself. */
  corsAllowedOrigins: () => readonly string[];
  region: string;
  accountId: string;
}

const corsFor = (origin: string | undefined, allowed: readonly string[]): Record<string, string> => {
  if (!origin || !(allowed.includes("*") || allowed.includes(origin))) return {};
  return {
    "access-control-allow-origin": allowed.includes("*") ? "*" : origin,
    "access-control-expose-headers": "location",
    vary: "origin",
  };
};

/**
 * A stand-in for the stack's HTTP API (API Gateway v2, `$default` route, Lambda proxy integration): each
 * request becomes a synchronous invoke of the upload function. Like API Gateway, a function error, a timeout
 * or a throttle reaches the client as `500 {"message":"Internal Server Error"}`; the lab adds
 * `x-lab-lambda-error` naming the cause, which API Gateway would only show in its logs.
 */
export const createApiGateway = (options: ApiGatewayOptions) => {
  const apiId = randomBytes(5).toString("hex");
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const origin = req.headers.origin;
    const allowed = options.corsAllowedOrigins();
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
      const cors = corsFor(origin, allowed);
      res.writeHead(204, {
        ...cors,
        ...(cors["access-control-allow-origin"]
          ? {
              "access-control-allow-methods": "GET, POST, OPTIONS",
              "access-control-allow-headers": "authorization, content-type",
              "access-control-max-age": "600",
            }
          : {}),
      });
      res.end();
      return;
    }
    const body = await readBody(req, MAX_PAYLOAD_BYTES).catch(() => undefined);
    if (!body) {
      res.writeHead(413, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "Request Entity Too Large" }));
      return;
    }
    const event = toApiGatewayV2Event(req, body, {
      apiId,
      region: options.region,
      accountId: options.accountId,
    });
    const fail = (cause: string) => {
      res.writeHead(500, {
        "content-type": "application/json",
        "apigw-requestid": event.requestContext.requestId,
        "x-lab-lambda-error": cause,
        ...corsFor(origin, allowed),
      });
      res.end(JSON.stringify({ message: "Internal Server Error" }));
    };
    try {
      const record = await options.runtime.invoke(options.functionId, event, { source: "api" });
      if (record.status !== "success") return fail(record.errorType ?? record.status);
      const result = fromLambdaResult(record.body);
      const headers: Record<string, string | string[]> = {
        ...result.headers,
        ...corsFor(origin, allowed),
        "apigw-requestid": event.requestContext.requestId,
      };
      if (result.cookies.length > 0) headers["set-cookie"] = result.cookies;
      res.writeHead(result.statusCode, headers);
      res.end(result.body);
    } catch (error) {
      if (error instanceof TooManyRequestsError) return fail("TooManyRequestsException");
      fail((error as Error).name);
    }
  };
};
