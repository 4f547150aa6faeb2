import { type ImageContentType, IN_ENGLISH } from "@lambda-lab/shared";
import * as z from "zod/mini";
import { checkFilename } from "./filename.js";

/** What a client asks for: the type and size of the file it is about to upload, and its name if known. */
const UploadRequestBody = z.strictObject({
  contentType: z.string().check(z.minLength(1), z.maxLength(255)),
  size: z.int(),
  filename: z.optional(z.string()),
});

export interface UploadRequest {
  contentType: ImageContentType;
  size: number;
  /** Sanitised for use as metadata; absent when the client sent none. */
  filename?: string;
}

export interface UploadRules {
  allowedContentTypes: readonly ImageContentType[];
  maxUploadBytes: number;
}

export interface FieldError {
  /** JSON Pointer (RFC 6901) to the offending member of the request body. */
  pointer: string;
  detail: string;
}

export type UploadRequestCheck = { ok: true; value: UploadRequest } | { ok: false; errors: FieldError[] };

/** RFC 6901: "" is the whole body, "/size" its `size` member. */
const pointerOf = (path: readonly PropertyKey[]) =>
  path.map((p) => `/${String(p).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");

/** Zod's own messages, but every unexpected member reported under its own name. */
const structuralErrors = (error: z.core.$ZodError): FieldError[] =>
  error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ pointer: pointerOf([...issue.path, key]), detail: "unexpected field" }))
      : [{ pointer: pointerOf(issue.path), detail: issue.message }],
  );

/** Validates a parsed JSON body against the schema and the configured rules; reports every problem at once. */
export const checkUploadRequest = (body: unknown, rules: UploadRules): UploadRequestCheck => {
  const parsed = UploadRequestBody.safeParse(body, IN_ENGLISH);
  if (!parsed.success) return { ok: false, errors: structuralErrors(parsed.error) };
  const { contentType: declaredType, size, filename } = parsed.data;
  const errors: FieldError[] = [];

  // Media types are case-insensitive; the form pins the canonical lower-case spelling.
  const contentType = declaredType.trim().toLowerCase();
  const allowed = rules.allowedContentTypes.find((t) => t === contentType);
  if (!allowed)
    errors.push({
      pointer: "/contentType",
      detail: `${JSON.stringify(declaredType)} is not allowed; allowed types: ${rules.allowedContentTypes.join(", ")}`,
    });

  if (size < 1 || size > rules.maxUploadBytes)
    errors.push({
      pointer: "/size",
      detail: `must be between 1 and ${rules.maxUploadBytes} bytes, got ${size}`,
    });

  let sanitized: string | undefined;
  if (filename !== undefined) {
    const check = checkFilename(filename);
    if (check.ok) sanitized = check.sanitized;
    else errors.push({ pointer: "/filename", detail: check.reason });
  }

  if (errors.length > 0 || !allowed) return { ok: false, errors };
  return { ok: true, value: { contentType: allowed, size, ...(sanitized ? { filename: sanitized } : {}) } };
};
