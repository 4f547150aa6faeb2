/**
 * The invocation's event as the lab keeps it with the record (for the invocation detail and the tracer):
 * secrets replaced, then cut to a bounded size. Events can carry credentials — an upload token in an
 * `authorization` header, a presigned URL's signature — and records are streamed to every open page and
 * listed by the API, so nothing that looks like one is kept.
 */

/** Kept per record: 500 records × 8 KiB stays a few MB; an S3 or SQS event of one record fits whole. */
export const PAYLOAD_EXCERPT_CHARS = 8 * 1024;

export const REDACTED = "[redacted]";

/** Names whose values are credentials wherever they appear (headers, query strings, bodies). */
const SECRET_NAME =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-amz-security-token|x-amz-signature|x-amz-credential|signature|policy)$|token|secret|password|passwd|credential|api[-_]?key|private[-_]?key/i;

const BEARER = /^(bearer|basic)\s+\S+/i;

const redactValue = (value: unknown, depth: number): unknown => {
  if (depth > 32) return REDACTED;
  if (typeof value === "string") {
    if (BEARER.test(value)) return REDACTED;
    // API Gateway and SQS carry JSON bodies as strings: their fields are redacted too.
    const trimmed = value.trimStart();
    if ((trimmed.startsWith("{") || trimmed.startsWith("[")) && value.length <= 1_048_576) {
      try {
        return JSON.stringify(redactValue(JSON.parse(value), depth + 1));
      } catch {
        return value;
      }
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_NAME.test(k) ? REDACTED : redactValue(v, depth + 1)]),
    );
  return value;
};

/** A payload that is not JSON: `"name": "value"` and `name=value` pairs with a secret name are blanked. */
const redactText = (text: string): string =>
  text
    .replace(/("([^"\\]*)"\s*:\s*)"(?:[^"\\]|\\.)*"/g, (whole, head: string, name: string) =>
      SECRET_NAME.test(name) ? `${head}"${REDACTED}"` : whole,
    )
    .replace(/([?&;\s]|^)([\w.-]+)=([^&;\s]*)/g, (whole, lead: string, name: string) =>
      SECRET_NAME.test(name) ? `${lead}${name}=${REDACTED}` : whole,
    )
    .replace(/\b(bearer|basic)\s+[\w.~+/=-]+/gi, REDACTED);

/** Cuts at `max` UTF-16 units without splitting a surrogate pair, and says how much there was. */
const cut = (text: string, max: number): { text: string; truncated: boolean } => {
  if (text.length <= max) return { text, truncated: false };
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return { text: `${text.slice(0, end)}…[truncated: ${text.length} characters in all]`, truncated: true };
};

export interface PayloadExcerpt {
  /** The event with secrets redacted, at most PAYLOAD_EXCERPT_CHARS (then marked as truncated). */
  payload: string;
  payloadTruncated: boolean;
}

/** The record's copy of an invocation's event: redacted first, so a cut can never leave half a secret. */
export const payloadExcerpt = (raw: string, max = PAYLOAD_EXCERPT_CHARS): PayloadExcerpt => {
  let redacted: string;
  try {
    redacted = JSON.stringify(redactValue(JSON.parse(raw), 0));
  } catch {
    redacted = redactText(raw);
  }
  const { text, truncated } = cut(redacted, max);
  return { payload: text, payloadTruncated: truncated };
};
