import * as z from "zod";
import { diagnoseS3Post, diagnoseUploadApi, type HttpAnswer, SmokeFailure } from "./causes.js";

/** The upload function's `POST /uploads` answer (packages/functions/upload/README.md). */
export const UploadForm = z.object({
  id: z.string().min(1),
  key: z.string().min(1),
  url: z.url(),
  fields: z.record(z.string(), z.string()),
  expiresAt: z.string(),
  maxBytes: z.number().int().positive(),
});
export type UploadForm = z.infer<typeof UploadForm>;

/** `GET /uploads/{id}`: only the fields the smoke test judges. */
export const UploadStatus = z.looseObject({
  id: z.string(),
  status: z.enum(["missing", "pending", "ready", "quarantined"]),
  variants: z.array(z.looseObject({ name: z.string(), key: z.string() })).default([]),
  quarantine: z.looseObject({ reason: z.string(), detail: z.string().optional() }).nullable().optional(),
});
export type UploadStatus = z.infer<typeof UploadStatus>;

export interface Image {
  bytes: Buffer;
  contentType: "image/jpeg" | "image/png" | "image/webp" | "image/gif" | "image/avif";
  filename: string;
}

const BODY_LIMIT = 4096;

const answerOf = async (response: Response): Promise<HttpAnswer> => {
  const text = await response.text();
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, body: text.slice(0, BODY_LIMIT), headers };
};

const parseJson = <T>(schema: z.ZodType<T>, text: string, what: string): T => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SmokeFailure({
      problem: `${what} is not JSON: ${text.slice(0, 120)}`,
      cause: "something other than the upload function answered (a proxy, or the wrong URL)",
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new SmokeFailure({
      problem: `${what} is not what the upload function sends: ${z.prettifyError(parsed.error).replaceAll("\n", " ")}`,
      cause: "the deployed upload function is another version than this repository's",
    });
  return parsed.data;
};

export interface UploadApiOptions {
  /** The `uploadApiUrl` output (the stage's invoke URL). */
  baseUrl: string;
  /** A bearer token, when the stack runs `uploadAuthMode: token`. Never logged. */
  token: string | undefined;
  functionName: string;
  fetch: typeof fetch;
  /** API Gateway gives up on an integration after 30 s; waiting longer only hides a hang. */
  timeoutMs?: number;
}

/** The deployed upload API, as the web app uses it. */
export const createUploadApi = (options: UploadApiOptions) => {
  const base = options.baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 30_000;
  const headers = (extra: Record<string, string> = {}) => ({
    accept: "application/json",
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...extra,
  });
  const context = { functionName: options.functionName, tokenSent: options.token !== undefined };
  return {
    formsUrl: `${base}/uploads`,
    statusUrl: (id: string) => `${base}/uploads/${encodeURIComponent(id)}`,

    async requestForm(image: Image): Promise<UploadForm> {
      const url = `${base}/uploads`;
      const response = await options.fetch(url, {
        method: "POST",
        headers: headers({ "content-type": "application/json" }),
        body: JSON.stringify({
          contentType: image.contentType,
          size: image.bytes.length,
          filename: image.filename,
        }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const answer = await answerOf(response);
      if (answer.status !== 201)
        throw new SmokeFailure(diagnoseUploadApi(`POST ${url}`, answer, context), url);
      return parseJson(UploadForm, answer.body, `POST ${url}'s answer`);
    },

    async status(id: string): Promise<UploadStatus> {
      const url = `${base}/uploads/${encodeURIComponent(id)}`;
      const response = await options.fetch(url, {
        headers: headers(),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const answer = await answerOf(response);
      if (answer.status !== 200)
        throw new SmokeFailure(diagnoseUploadApi(`GET ${url}`, answer, context), url);
      return parseJson(UploadStatus, answer.body, `GET ${url}'s answer`);
    },
  };
};
export type UploadApi = ReturnType<typeof createUploadApi>;

/**
 * Posts the image to S3 with the presigned form: every field in the order given, then the file last (S3
 * ignores fields after the file). S3 answers 204 by default.
 */
export const postToS3 = async (
  form: UploadForm,
  image: Image,
  options: { fetch: typeof fetch; uploadFunction: string; timeoutMs?: number },
): Promise<number> => {
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append("file", new Blob([new Uint8Array(image.bytes)], { type: image.contentType }), image.filename);
  const response = await options.fetch(form.url, {
    method: "POST",
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  });
  const answer = await answerOf(response);
  if (answer.status >= 300)
    throw new SmokeFailure(diagnoseS3Post(form.url, answer, options.uploadFunction), form.url);
  return answer.status;
};
