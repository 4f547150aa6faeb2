import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Upload tokens: `base64url(JSON {sub, exp}) + "." + base64url(HMAC-SHA256(secret, firstPart))`.
 * The web app mints them with the secret it shares with this function; `exp` is in Unix seconds.
 * Deliberately not a JWT: one algorithm, no header to negotiate, nothing to misconfigure.
 */
export interface UploadTokenClaims {
  sub: string;
  exp: number;
}

export const MIN_TOKEN_SECRET_LENGTH = 32;
/**
 * The subject becomes the `x-amz-meta-owner` field of the upload form. S3 metadata is sent as HTTP
 * headers, so the subject is kept to printable ASCII that needs no encoding anywhere.
 */
const SUBJECT_PATTERN = /^[A-Za-z0-9._@:+=-]{1,128}$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/;
const SHA256_BYTES = 32;

export type TokenFailure = "missing" | "malformed" | "bad-signature" | "expired";
export type TokenCheck =
  | { ok: true; claims: UploadTokenClaims }
  | { ok: false; reason: TokenFailure; detail: string };

const toSeconds = (now: Date | number) => Math.floor((typeof now === "number" ? now : now.getTime()) / 1000);
const sign = (secret: string, payload: string) => createHmac("sha256", secret).update(payload).digest();

const assertSecret = (secret: string) => {
  if (secret.length < MIN_TOKEN_SECRET_LENGTH)
    throw new Error(`upload token secret must be at least ${MIN_TOKEN_SECRET_LENGTH} characters`);
};

/** Mints a token for `subject`, valid for `ttlSeconds` from `now`. Throws on a bad secret or subject. */
export const issueUploadToken = (
  secret: string,
  options: { subject: string; ttlSeconds: number; now?: Date | number },
): string => {
  assertSecret(secret);
  if (!SUBJECT_PATTERN.test(options.subject))
    throw new Error(`token subject must match ${SUBJECT_PATTERN}: ${JSON.stringify(options.subject)}`);
  if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds <= 0)
    throw new Error(`token ttlSeconds must be a positive integer, got ${options.ttlSeconds}`);
  const claims: UploadTokenClaims = {
    sub: options.subject,
    exp: toSeconds(options.now ?? Date.now()) + options.ttlSeconds,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${payload}.${sign(secret, payload).toString("base64url")}`;
};

const parseClaims = (payload: string): UploadTokenClaims | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    const { sub, exp, ...rest } = value as Record<string, unknown>;
    if (Object.keys(rest).length > 0) return undefined;
    if (typeof sub !== "string" || !SUBJECT_PATTERN.test(sub)) return undefined;
    if (typeof exp !== "number" || !Number.isSafeInteger(exp)) return undefined;
    return { sub, exp };
  } catch {
    return undefined;
  }
};

/**
 * Checks a token's signature (in constant time) before reading its claims, then its expiry. A token
 * expires at `exp` exactly: it is valid while `now < exp`.
 */
export const verifyUploadToken = (
  secret: string,
  token: string | undefined,
  now: Date | number = Date.now(),
): TokenCheck => {
  assertSecret(secret);
  if (token === undefined || token === "")
    return { ok: false, reason: "missing", detail: "no upload token was sent" };
  const parts = token.split(".");
  const [payload, signature] = parts;
  if (
    parts.length !== 2 ||
    payload === undefined ||
    signature === undefined ||
    !BASE64URL_PATTERN.test(payload) ||
    !BASE64URL_PATTERN.test(signature)
  )
    return {
      ok: false,
      reason: "malformed",
      detail: "the upload token must be two base64url parts joined by a dot",
    };
  const given = Buffer.from(signature, "base64url");
  // Base64 can spell the same bytes several ways (spare low bits); accept only the canonical spelling.
  if (
    given.length !== SHA256_BYTES ||
    given.toString("base64url") !== signature ||
    !timingSafeEqual(given, sign(secret, payload))
  )
    return { ok: false, reason: "bad-signature", detail: "the upload token's signature does not match" };
  const claims = parseClaims(payload);
  if (!claims)
    return {
      ok: false,
      reason: "malformed",
      detail: "the upload token's payload is not {sub, exp} with a valid subject and an integer expiry",
    };
  if (toSeconds(now) >= claims.exp)
    return {
      ok: false,
      reason: "expired",
      detail: `the upload token expired at ${new Date(claims.exp * 1000).toISOString()}`,
    };
  return { ok: true, claims };
};
