import { IN_ENGLISH } from "@lambda-lab/shared";
import * as z from "zod/mini";

/**
 * The part of an API Gateway HTTP API (payload format 2.0) or Lambda function URL event this function
 * reads. Both put the method in `requestContext.http.method`, lower-case the header names and may
 * base64-encode the body.
 *
 * A request without a body (preflight, GET, DELETE) has no `body` key in the 2.0 format (Powertools'
 * `APIGatewayProxyEventV2Schema`: `body: z.string().optional()`), but payload 1.0 and several emulators
 * send `"body": null` instead (powertools-lambda-python#820, ministack#1163). Both mean "no body": a
 * null must never make the event look like a wiring mistake, which API Gateway would answer with a 502.
 */
const HttpEventSchema = z.object({
  rawPath: z.string().check(z.startsWith("/")),
  headers: z.optional(z.record(z.string(), z.string())),
  body: z.nullish(z.string()),
  isBase64Encoded: z.optional(z.boolean()),
  requestContext: z.object({
    stage: z.optional(z.string()),
    http: z.object({ method: z.string().check(z.minLength(1)) }),
  }),
});

export interface HttpRequest {
  method: string;
  /** The route path, without an API Gateway stage prefix. */
  path: string;
  /** Lower-case names, as both event sources deliver them (normalised again for hand-made events). */
  headers: Record<string, string>;
  body: Buffer;
}

/** Not an HTTP event at all: a wiring mistake in the deployment, never something a client can cause. */
export class InvalidEventError extends Error {
  override name = "InvalidEventError";
}

/** A named stage (not `$default`) appears as the first path segment of `rawPath`. */
const stripStage = (rawPath: string, stage: string | undefined): string => {
  if (!stage || stage === "$default") return rawPath;
  const prefix = `/${stage}`;
  if (rawPath === prefix) return "/";
  return rawPath.startsWith(`${prefix}/`) ? rawPath.slice(prefix.length) : rawPath;
};

export const parseHttpEvent = (event: unknown): HttpRequest => {
  const parsed = HttpEventSchema.safeParse(event, IN_ENGLISH);
  if (!parsed.success)
    throw new InvalidEventError(
      `upload: expected an API Gateway HTTP API (payload 2.0) or function URL event: ${z.prettifyError(parsed.error)}`,
    );
  const e = parsed.data;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(e.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    method: e.requestContext.http.method.toUpperCase(),
    path: stripStage(e.rawPath, e.requestContext.stage),
    headers,
    body: Buffer.from(e.body ?? "", e.isBase64Encoded ? "base64" : "utf8"),
  };
};
