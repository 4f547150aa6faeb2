/** An HTTP response in API Gateway payload format 2.0 (also what a Lambda function URL expects). */
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** RFC 9457 problem details. `errors` lists each bad field when there is more than one thing to fix. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { pointer: string; detail: string }[];
}

/**
 * The problems this function answers with. The `type` URIs are URNs: they identify the problem for
 * clients to switch on without promising a documentation page at some URL.
 */
export const PROBLEMS = {
  notFound: { status: 404, title: "Not found" },
  methodNotAllowed: { status: 405, title: "Method not allowed" },
  unsupportedMediaType: { status: 415, title: "Unsupported media type" },
  bodyTooLarge: { status: 413, title: "Request body too large" },
  invalidJson: { status: 400, title: "Invalid JSON" },
  invalidUploadRequest: { status: 400, title: "Invalid upload request" },
  invalidUploadId: { status: 400, title: "Invalid upload id" },
  tokenMissing: { status: 401, title: "Upload token missing" },
  tokenMalformed: { status: 401, title: "Upload token malformed" },
  tokenBadSignature: { status: 401, title: "Upload token signature invalid" },
  tokenExpired: { status: 401, title: "Upload token expired" },
  internal: { status: 500, title: "Internal error" },
} as const;
export type ProblemKind = keyof typeof PROBLEMS;

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export const problemOf = (
  kind: ProblemKind,
  detail: string,
  errors?: { pointer: string; detail: string }[],
): Problem => ({
  type: `urn:lambda-lab:upload:problem:${kebab(kind)}`,
  title: PROBLEMS[kind].title,
  status: PROBLEMS[kind].status,
  detail,
  ...(errors && errors.length > 0 ? { errors } : {}),
});

export const problemResponse = (problem: Problem, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode: problem.status,
  headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers },
  body: JSON.stringify(problem),
});

export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse => ({
  statusCode,
  headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  body: JSON.stringify(body),
});
