import { type Problem, problemOf } from "./problem.js";
import { type TokenFailure, verifyUploadToken } from "./token.js";

export type AuthConfig = { mode: "none" } | { mode: "token"; secret: string };

/** Who uploads in `none` mode: the owner field is always present, so readers never special-case it. */
export const ANONYMOUS_OWNER = "anonymous";

export type AuthResult = { ok: true; owner: string } | { ok: false; problem: Problem; tokenSent: boolean };

const PROBLEM_OF_FAILURE = {
  missing: "tokenMissing",
  malformed: "tokenMalformed",
  "bad-signature": "tokenBadSignature",
  expired: "tokenExpired",
} as const satisfies Record<TokenFailure, string>;

/** `Authorization: Bearer <token>` (RFC 6750); any other scheme is reported as a malformed token. */
const bearerToken = (authorization: string | undefined): string | undefined | null => {
  if (authorization === undefined || authorization.trim() === "") return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  return match?.[1] ?? null;
};

/** Resolves the request's owner: the token's subject, or `anonymous` when auth is off. */
export const authenticate = (headers: Record<string, string>, config: AuthConfig, now: Date): AuthResult => {
  if (config.mode === "none") return { ok: true, owner: ANONYMOUS_OWNER };
  const token = bearerToken(headers.authorization);
  if (token === null)
    return {
      ok: false,
      problem: problemOf("tokenMalformed", "the Authorization header must be 'Bearer <upload token>'"),
      tokenSent: true,
    };
  const check = verifyUploadToken(config.secret, token, now);
  if (check.ok) return { ok: true, owner: check.claims.sub };
  const detail =
    check.reason === "missing" ? "send the upload token as 'Authorization: Bearer <token>'" : check.detail;
  return {
    ok: false,
    problem: problemOf(PROBLEM_OF_FAILURE[check.reason], detail),
    tokenSent: check.reason !== "missing",
  };
};
