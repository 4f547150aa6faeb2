import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpFunctionId } from "@lambda-lab/catalog";
import { type ApiCors, apiCorsOf, apiRoutesOf } from "@lambda-lab/infra/emulated";
import { toHttpApiEvent } from "@lambda-lab/testing/api-gateway-v2";
import { readBody } from "../http.js";
import { TooManyRequestsError } from "../runtime/function-pool.js";
import type { LambdaRuntime } from "../runtime/lambda-runtime.js";

/** API Gateway HTTP APIs cap request payloads at 10 MB. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** API Gateway's request id format (`Xy4Z1gGtjoEEMUQ=`-like), enough to correlate logs. */
const apiRequestId = () => randomBytes(10).toString("base64").replace(/[+/]/g, "A");

export interface MatchedRoute {
  /** The route key the event carries: `GET /uploads/{id}`, or `$default`. */
  routeKey: string;
  /** The route's path variables, URL-decoded as API Gateway passes them. */
  pathParameters: Record<string, string>;
}

type Segment = { literal: string } | { variable: string; greedy: boolean };

const parseRoute = (routeKey: string) => {
  const [method = "", path = ""] = routeKey.split(" ");
  const segments: Segment[] = path
    .split("/")
    .slice(1)
    .map((s) => {
      const variable = /^\{([^}]+?)(\+)?\}$/.exec(s);
      return variable ? { variable: variable[1] ?? "", greedy: variable[2] === "+" } : { literal: s };
    });
  return { routeKey, method, segments };
};

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** The path variables when `segments` match the request's path, undefined when they do not. */
const bind = (segments: readonly Segment[], parts: readonly string[]) => {
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    if ("literal" in segment) {
      if (parts[i] !== segment.literal) return undefined;
    } else if (segment.greedy) {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join("") === "") return undefined;
      params[segment.variable] = decode(rest.join("/"));
      return params;
    } else {
      const part = parts[i];
      if (part === undefined || part === "") return undefined;
      params[segment.variable] = decode(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
};

/** Lexicographic: the first differing rank decides. */
const compareRanks = (a: number[], b: number[]) => {
  for (const [i, v] of a.entries()) if (v !== b[i]) return v - (b[i] ?? 0);
  return 0;
};

/**
 * The route API Gateway picks for a request, by its documented priority ("Routing API requests",
 * docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html): a full match of method
 * and path first, then a match through a greedy path variable (`{proxy+}`), then `$default`; none: no route
 * (API Gateway answers `404 {"message":"Not Found"}`). A route's own method beats `ANY`, and among full
 * matches the one with more literal segments wins (`/uploads/latest` over `/uploads/{id}`).
 */
export const matchRoute = (
  routes: readonly string[],
  method: string,
  path: string,
): MatchedRoute | undefined => {
  const parts = path.split("/").slice(1);
  const candidates = routes
    .filter((r) => r !== "$default")
    .map(parseRoute)
    .filter((r) => r.method === method || r.method === "ANY")
    .flatMap((r) => {
      const params = bind(r.segments, parts);
      if (!params) return [];
      const greedy = r.segments.some((s) => "greedy" in s && s.greedy);
      const literals = r.segments.filter((s) => "literal" in s).length;
      return [{ r, params, rank: [greedy ? 1 : 0, r.method === "ANY" ? 1 : 0, -literals] }];
    })
    .sort((a, b) => compareRanks(a.rank, b.rank));
  const best = candidates[0];
  if (best) return { routeKey: best.r.routeKey, pathParameters: best.params };
  return routes.includes("$default") ? { routeKey: "$default", pathParameters: {} } : undefined;
};

/**
 * The HTTP API event, payload format 2.0, for one request and the route it matched, built by
 * `@lambda-lab/testing`'s `toHttpApiEvent` (the builder checked against Powertools' schema): the lab adds
 * only what it knows of the connection (source IP, HTTP version) and the API's ids.
 */
export const toApiGatewayV2Event = (
  req: IncomingMessage,
  body: Buffer,
  options: { apiId: string; stage?: string; accountId: string; route: MatchedRoute; now?: Date },
) =>
  toHttpApiEvent({
    method: req.method ?? "GET",
    url: req.url ?? "/",
    headers: req.headers,
    body,
    routeKey: options.route.routeKey,
    pathParameters: options.route.pathParameters,
    ...(options.stage ? { stage: options.stage } : {}),
    time: options.now ?? new Date(),
    requestId: apiRequestId(),
    apiId: options.apiId,
    accountId: options.accountId,
    sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
    protocol: `HTTP/${req.httpVersion}`,
  });

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
  runtime: Pick<LambdaRuntime, "invoke">;
  /** The function behind the API; its routes are the catalog's (`apiRoutesOf`), as the program deploys. */
  functionId: HttpFunctionId;
  /** The API's allowed origins: API Gateway answers preflights and adds the headers itself (`apiCorsOf`). */
  corsAllowedOrigins: () => readonly string[];
  region: string;
  accountId: string;
}

const corsFor = (origin: string | undefined, cors: ApiCors): Record<string, string> => {
  const allowed = cors.allowOrigins;
  if (!origin || !(allowed.includes("*") || allowed.includes(origin))) return {};
  return {
    "access-control-allow-origin": allowed.includes("*") ? "*" : origin,
    "access-control-expose-headers": cors.exposeHeaders.join(","),
    vary: "origin",
  };
};

/**
 * A stand-in for the stack's HTTP API (API Gateway v2, the catalog's routes, Lambda proxy integration): a
 * request matching a route becomes a synchronous invoke of the function with that route key; one matching
 * none gets API Gateway's `404 {"message":"Not Found"}` without an invocation. Like API Gateway, a function
 * error, a timeout or a throttle reaches the client as `500 {"message":"Internal Server Error"}`; the lab
 * adds `x-lab-lambda-error` naming the cause, which API Gateway would only show in its logs.
 */
export const createApiGateway = (options: ApiGatewayOptions) => {
  const apiId = randomBytes(5).toString("hex");
  const routes = apiRoutesOf(options.functionId);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const origin = req.headers.origin;
    const cors = apiCorsOf(options.functionId, options.corsAllowedOrigins());
    // With CORS configured, API Gateway answers every preflight itself, whatever the routes.
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
      const allow = corsFor(origin, cors);
      res.writeHead(204, {
        ...allow,
        ...(allow["access-control-allow-origin"]
          ? {
              "access-control-allow-methods": cors.allowMethods.join(","),
              "access-control-allow-headers": cors.allowHeaders.join(","),
              "access-control-max-age": String(cors.maxAge),
            }
          : {}),
      });
      res.end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = matchRoute(routes, req.method ?? "GET", url.pathname);
    if (!route) {
      req.resume();
      res.writeHead(404, {
        "content-type": "application/json",
        "apigw-requestid": apiRequestId(),
        ...corsFor(origin, cors),
      });
      res.end(JSON.stringify({ message: "Not Found" }));
      return;
    }
    const body = await readBody(req, MAX_PAYLOAD_BYTES).catch(() => undefined);
    if (!body) {
      res.writeHead(413, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "Request Entity Too Large" }));
      return;
    }
    const event = toApiGatewayV2Event(req, body, { apiId, accountId: options.accountId, route });
    const fail = (cause: string) => {
      res.writeHead(500, {
        "content-type": "application/json",
        "apigw-requestid": event.requestContext.requestId,
        "x-lab-lambda-error": cause,
        ...corsFor(origin, cors),
      });
      res.end(JSON.stringify({ message: "Internal Server Error" }));
    };
    try {
      const record = await options.runtime.invoke(options.functionId, event, { source: "api" });
      if (record.status !== "success") return fail(record.errorType ?? record.status);
      const result = fromLambdaResult(record.body);
      const headers: Record<string, string | string[]> = {
        ...result.headers,
        ...corsFor(origin, cors),
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
