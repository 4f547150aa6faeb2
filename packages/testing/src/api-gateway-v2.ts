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

/** An API Gateway HTTP API (payload 2.0) event, with only what a test cares about spelled out. */
export const makeHttpEvent = (options: HttpEventInput = {}): APIGatewayProxyEventV2 => {
  const method = options.method ?? "GET";
  const [path = "/", rawQueryString = ""] = (options.path ?? "/uploads").split(/\?(.*)/s);
  const time = new Date(options.time ?? "2026-11-25T12:00:00.000Z");
  const routeKey = options.routeKey ?? "$default";
  const text =
    options.body === undefined
      ? undefined
      : typeof options.body === "string"
        ? options.body
        : JSON.stringify(options.body);
  const query = new URLSearchParams(rawQueryString);
  return {
    version: "2.0",
    routeKey,
    rawPath: path,
    rawQueryString,
    headers: {
      host: "api.example.test",
      ...(text !== undefined ? { "content-type": "application/json" } : {}),
      ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    },
    ...(rawQueryString ? { queryStringParameters: Object.fromEntries(query) } : {}),
    requestContext: {
      accountId: EXAMPLE_ACCOUNT_ID,
      apiId: "api",
      domainName: "api.example.test",
      domainPrefix: "api",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "vitest" },
      requestId: "req-1",
      routeKey,
      stage: options.stage ?? "$default",
      time: clfTime(time),
      timeEpoch: time.getTime(),
    },
    isBase64Encoded: options.base64 ?? false,
    ...(text !== undefined ? { body: options.base64 ? Buffer.from(text).toString("base64") : text } : {}),
  };
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
