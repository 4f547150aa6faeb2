import type { APIGatewayProxyEventV2 } from "aws-lambda";

/** An API Gateway HTTP API (payload 2.0) event, with only what a test cares about spelled out. */
export const makeHttpEvent = (
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | object;
    base64?: boolean;
    stage?: string;
  } = {},
): APIGatewayProxyEventV2 => {
  const method = options.method ?? "GET";
  const path = options.path ?? "/uploads";
  const text =
    options.body === undefined
      ? undefined
      : typeof options.body === "string"
        ? options.body
        : JSON.stringify(options.body);
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: {
      host: "api.example.test",
      ...(text !== undefined ? { "content-type": "application/json" } : {}),
      ...options.headers,
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "api.example.test",
      domainPrefix: "api",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "vitest" },
      requestId: "req-1",
      routeKey: "$default",
      stage: options.stage ?? "$default",
      time: "25/Nov/2026:12:00:00 +0000",
      timeEpoch: 1_795_000_000_000,
    },
    isBase64Encoded: options.base64 ?? false,
    ...(text !== undefined ? { body: options.base64 ? Buffer.from(text).toString("base64") : text } : {}),
  };
};

/** The POST /uploads event a page sends. */
export const makeCreateEvent = (body: string | object, headers: Record<string, string> = {}) =>
  makeHttpEvent({ method: "POST", path: "/uploads", body, headers });

/**
 * A request that carries no body, the way each source sends it: the 2.0 format leaves `body` out,
 * payload 1.0 and emulators send `"body": null` (the type says `string | undefined`, hence the cast).
 */
export const makeBodylessEvent = (
  method: string,
  path: string,
  body: "absent" | "null",
  headers: Record<string, string> = {},
) => {
  const event = makeHttpEvent({ method, path, headers });
  return body === "null" ? ({ ...event, body: null } as unknown as APIGatewayProxyEventV2) : event;
};
