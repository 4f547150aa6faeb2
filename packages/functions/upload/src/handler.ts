import type { Context } from "aws-lambda";
import { type AuthConfig, authenticate } from "./auth.js";
import type { UploadConfig } from "./config.js";
import { corsHeaders, preflightHeaders } from "./cors.js";
import { createUploadForm } from "./create-upload-form.js";
import { type HttpRequest, InvalidEventError, parseHttpEvent } from "./http-request.js";
import { createPolicySigner } from "./post-policy.js";
import { type HttpResponse, jsonResponse, type Problem, problemOf, problemResponse } from "./problem.js";
import type { ObjectReader } from "./s3-rest-reader.js";
import { newUploadId, normaliseUploadId } from "./upload-id.js";
import { checkUploadRequest } from "./upload-request.js";
import { getUploadStatus } from "./upload-status.js";

/** The request body is a few short fields; anything bigger is not a well-meaning client. */
export const MAX_REQUEST_BODY_BYTES = 8 * 1024;

/** The logging the handler does; the Powertools logger from `createLogger` satisfies it. */
export interface UploadLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
  /** Adds the request id and cold-start flag to every line (Powertools); optional for test loggers. */
  addContext?(context: Context): void;
}

export interface UploadDeps {
  reader: ObjectReader;
  logger: UploadLogger;
  now?: () => Date;
  newId?: (now: Date) => string;
}

type Route =
  | { name: "collection"; methods: readonly string[] }
  | { name: "item"; methods: readonly string[]; id: string };

/** A malformed escape (`%E0%A4%A`) is the client's mistake: keep the raw text so it fails validation. */
const safeDecode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

const route = (path: string): Route | undefined => {
  if (/^\/uploads\/?$/.test(path)) return { name: "collection", methods: ["POST", "OPTIONS"] };
  const item = /^\/uploads\/([^/]+)\/?$/.exec(path);
  if (item?.[1] !== undefined) return { name: "item", methods: ["GET", "OPTIONS"], id: safeDecode(item[1]) };
  return undefined;
};

/** RFC 6750: a request without credentials gets a bare challenge, a bad token an `invalid_token` one. */
const unauthorized = (problem: Problem, tokenSent: boolean) =>
  problemResponse(problem, {
    "www-authenticate": tokenSent ? 'Bearer realm="upload", error="invalid_token"' : 'Bearer realm="upload"',
  });

/** `application/json`, with or without parameters; a missing Content-Type is read as JSON too (curl -d). */
const isJsonContentType = (value: string | undefined) =>
  value === undefined || value.split(";")[0]?.trim().toLowerCase() === "application/json";

const readJsonBody = (
  request: HttpRequest,
): { ok: true; value: unknown } | { ok: false; problem: Problem } => {
  if (!isJsonContentType(request.headers["content-type"]))
    return {
      ok: false,
      problem: problemOf(
        "unsupportedMediaType",
        `send the request as application/json, not ${request.headers["content-type"]}`,
      ),
    };
  if (request.body.length > MAX_REQUEST_BODY_BYTES)
    return {
      ok: false,
      problem: problemOf(
        "bodyTooLarge",
        `the request body must be at most ${MAX_REQUEST_BODY_BYTES} bytes; the image itself goes to the returned form, not here`,
      ),
    };
  const text = request.body.toString("utf8");
  if (text.trim() === "")
    return {
      ok: false,
      problem: problemOf("invalidJson", "the request body is empty; send {contentType, size, filename?}"),
    };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      problem: problemOf("invalidJson", `the request body is not valid JSON: ${(error as Error).message}`),
    };
  }
};

/**
 * The HTTP handler: `POST /uploads` issues a presigned POST form, `GET /uploads/{id}` reports progress.
 * Client mistakes get a 4xx problem body naming the problem; a 500 only ever means a fault on our side.
 */
export const makeHandler = (deps: UploadDeps, config: UploadConfig) => {
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? newUploadId;
  const signer = createPolicySigner(config.form.credentials, config.form.region);

  const createUpload = async (request: HttpRequest, owner: string): Promise<HttpResponse> => {
    const body = readJsonBody(request);
    if (!body.ok) return problemResponse(body.problem);
    const check = checkUploadRequest(body.value, config.rules);
    if (!check.ok)
      return problemResponse(
        problemOf(
          "invalidUploadRequest",
          check.errors.map((e) => `${e.pointer.slice(1) || "body"}: ${e.detail}`).join("; "),
          check.errors,
        ),
      );
    const form = await createUploadForm(check.value, owner, { now: now(), newId, signer }, config.form);
    deps.logger.info("upload form issued", {
      id: form.id,
      key: form.key,
      contentType: check.value.contentType,
      size: check.value.size,
      owner,
    });
    return jsonResponse(201, form, { location: `/uploads/${form.id}` });
  };

  const showUpload = async (rawId: string, owner: string, auth: AuthConfig): Promise<HttpResponse> => {
    const id = normaliseUploadId(rawId);
    if (!id)
      return problemResponse(
        problemOf("invalidUploadId", `${JSON.stringify(rawId)} is not an upload id (a 26-character ULID)`),
      );
    const { report, owner: uploader } = await getUploadStatus(id, deps.reader);
    // With tokens on, another user's upload is reported as absent rather than confirmed to exist.
    if (auth.mode === "token" && uploader !== undefined && uploader !== owner)
      return problemResponse(problemOf("notFound", `no upload ${id} belongs to this token's subject`));
    return jsonResponse(200, report);
  };

  return async (event: unknown, context?: Context): Promise<HttpResponse> => {
    if (context) deps.logger.addContext?.(context);
    const request = parseHttpEvent(event);
    const cors = corsHeaders(request.headers.origin, config.corsAllowedOrigins);
    const withCors = (response: HttpResponse): HttpResponse => ({
      ...response,
      headers: { ...response.headers, ...cors },
    });
    try {
      const matched = route(request.path);
      if (!matched)
        return withCors(problemResponse(problemOf("notFound", `no route for ${request.path}; try /uploads`)));
      if (request.method === "OPTIONS")
        return {
          statusCode: 204,
          headers: preflightHeaders(request.headers.origin, config.corsAllowedOrigins, matched.methods),
          body: "",
        };
      if (!matched.methods.includes(request.method))
        return withCors(
          problemResponse(
            problemOf(
              "methodNotAllowed",
              `${request.method} is not allowed on ${request.path}; use ${matched.methods.join(" or ")}`,
            ),
            { allow: matched.methods.join(", ") },
          ),
        );
      const auth = authenticate(request.headers, config.auth, now());
      if (!auth.ok) return withCors(unauthorized(auth.problem, auth.tokenSent));
      return withCors(
        matched.name === "collection"
          ? await createUpload(request, auth.owner)
          : await showUpload(matched.id, auth.owner, config.auth),
      );
    } catch (error) {
      if (error instanceof InvalidEventError) throw error;
      deps.logger.error("request failed", {
        error: error as Error,
        method: request.method,
        path: request.path,
      });
      return withCors(problemResponse(problemOf("internal", "the upload service failed; try again shortly")));
    }
  };
};
