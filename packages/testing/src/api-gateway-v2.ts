/**
 * API Gateway HTTP API events, payload format 2.0 ("Working with AWS Lambda proxy integrations for HTTP
 * APIs", docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html):
 * header names lower-cased, `body` left out when the request has none.
 */
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { EXAMPLE_ACCOUNT_ID } from "./aws.js";

export interface HttpEventInput {
  method?: string;
  /** The raw path, query string included (`/uploads?limit=5`). */
  path?: string;
  headers?: Record<string, string>;
  /** Objects are sent as JSON with `content-type: application/json`. */
  body?: string | object;
  base64?: boolean;
  stage?: string;
  /** The route that matched: `$default`, or `POST /uploads` for an explicit route. */
  routeKey?: string;
  /** CLF time of the request; also `timeEpoch`. */
  time?: Date | string;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** `25/Nov/2026:12:00:00 +0000`: the request time as API Gateway writes it. */
const clfTime = (time: Date) => {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${pad(time.getUTCDate())}/${MONTHS[time.getUTCMonth()]}/${time.getUTCFullYear()}:` +
    `${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())} +0000`
  );
};

/** One HTTP request as API Gateway received it, and the route that matched it. */
export interface HttpApiRequest {
  method: string;
  /** The path with its query string, as sent (`/uploads?limit=5`). */
  url: string;
  /** As received: names in any case, a repeated header as a list (Node's `IncomingHttpHeaders` fits). */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body's bytes (or text); empty or absent: no body. */
  body?: Uint8Array | string | undefined;
  /**
   * Force how the body is passed; by default API Gateway's rule decides (`isTextContentType`). Tests that
   * want a base64 body whatever its type say so.
   */
  encoding?: "text" | "base64";
  /** The route that matched (`POST /uploads`, `GET /uploads/{id}`) or `$default`. */
  routeKey: string;
  /** The route's path variables, decoded, when it has any. */
  pathParameters?: Record<string, string>;
  stage?: string;
  time: Date;
  requestId: string;
  apiId: string;
  accountId: string;
  /** The client's address. */
  sourceIp: string;
  /** `HTTP/1.1`. */
  protocol?: string;
  /** `requestContext.http.userAgent`; the User-Agent header by default, as API Gateway fills it. */
  userAgent?: string;
}

/**
 * Which request bodies an HTTP API passes to Lambda as text. AWS documents only that a binary body is
 * base64-encoded; measured against real HTTP APIs (payload 2.0, AWS_PROXY; ministackorg/ministack#766):
 * `text/*`, `application/json`, `application/xml` and `application/javascript` arrive as UTF-8 text, every
 * other type (`application/x-www-form-urlencoded` and a missing Content-Type included) base64-encoded.
 */
export const isTextContentType = (contentType: string | undefined): boolean => {
  const media = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return (
    media.startsWith("text/") ||
    media === "application/json" ||
    media === "application/xml" ||
    media === "application/javascript"
  );
};

const joined = (value: string | readonly string[]) => (typeof value === "string" ? value : value.join(","));

/**
 * The HTTP API payload 2.0 event for one received request, by the format's rules ("Working with AWS Lambda
 * proxy integrations for HTTP APIs"): header names lower-cased and repeated headers joined with commas; the
 * Cookie header taken out of `headers` into `cookies`; repeated query parameters joined with commas; `body`
 * left out when there is none, text or base64 as `isTextContentType` says.
 */
export const toHttpApiEvent = (request: HttpApiRequest): APIGatewayProxyEventV2 => {
  const [path = "/", rawQueryString = ""] = request.url.split(/\?(.*)/s);
  const headers: Record<string, string> = {};
  let cookieHeader = "";
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === "cookie") cookieHeader = [cookieHeader, joined(value)].filter(Boolean).join("; ");
    else headers[lower] = headers[lower] === undefined ? joined(value) : `${headers[lower]},${joined(value)}`;
  }
  const cookies = cookieHeader
    .split(";")
    .map((c) => c.trim())
    .filter(Boolean);
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) query[k] = k in query ? `${query[k]},${v}` : v;
  const bytes =
    request.body === undefined
      ? Buffer.alloc(0)
      : typeof request.body === "string"
        ? Buffer.from(request.body)
        : Buffer.from(request.body);
  const text = request.encoding
    ? request.encoding === "text"
    : bytes.length === 0 || isTextContentType(headers["content-type"]);
  const host = headers.host ?? "localhost";
  return {
    version: "2.0",
    routeKey: request.routeKey,
    rawPath: path,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(request.pathParameters && Object.keys(request.pathParameters).length > 0
      ? { pathParameters: request.pathParameters }
      : {}),
    requestContext: {
      accountId: request.accountId,
      apiId: request.apiId,
      domainName: host,
      domainPrefix: host.split(".")[0] ?? host,
      http: {
        method: request.method,
        path,
        protocol: request.protocol ?? "HTTP/1.1",
        sourceIp: request.sourceIp,
        userAgent: request.userAgent ?? headers["user-agent"] ?? "",
      },
      requestId: request.requestId,
      routeKey: request.routeKey,
      stage: request.stage ?? "$default",
      time: clfTime(request.time),
      timeEpoch: request.time.getTime(),
    },
    isBase64Encoded: !text,
    ...(bytes.length > 0 ? { body: text ? bytes.toString("utf8") : bytes.toString("base64") } : {}),
  };
};

/** An API Gateway HTTP API (payload 2.0) event, with only what a test cares about spelled out. */
export const makeHttpEvent = (options: HttpEventInput = {}): APIGatewayProxyEventV2 => {
  const text =
    options.body === undefined
      ? undefined
      : typeof options.body === "string"
        ? options.body
        : JSON.stringify(options.body);
  return toHttpApiEvent({
    method: options.method ?? "GET",
    url: options.path ?? "/uploads",
    headers: {
      host: "api.example.test",
      ...(text !== undefined ? { "content-type": "application/json" } : {}),
      ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    },
    body: text,
    encoding: options.base64 ? "base64" : "text",
    routeKey: options.routeKey ?? "$default",
    ...(options.stage ? { stage: options.stage } : {}),
    time: new Date(options.time ?? "2026-11-25T12:00:00.000Z"),
    requestId: "req-1",
    apiId: "api",
    accountId: EXAMPLE_ACCOUNT_ID,
    sourceIp: "203.0.113.7",
    userAgent: "vitest",
  });
};

/**
 * A request that carries no body, the way each source sends it: the 2.0 format leaves `body` out,
 * payload 1.0 and emulators send `"body": null` (the type says `string | undefined`, hence the cast).
 */
export const makeBodylessEvent = (
  method: string,
  path: string,
  body: "absent" | "null",
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 => {
  const event = makeHttpEvent({ method, path, headers });
  return body === "null" ? ({ ...event, body: null } as unknown as APIGatewayProxyEventV2) : event;
};
