import type { QuarantineReason } from "@lambda-lab/shared";

/** A permanent problem with the image itself: it is quarantined, never retried. */
export class ImageRejectedError extends Error {
  override name = "ImageRejectedError";
  constructor(
    readonly reason: QuarantineReason,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${reason}: ${detail}`, options);
  }
}

/**
 * S3 (or the network to it) failed in a way a later attempt can succeed: thrown out of the handler so
 * Lambda's async retries, then the on-failure destination, keep the event.
 */
export class TransientError extends Error {
  override name = "TransientError";
  readonly retryable = true;
}

const TRANSIENT_NAMES = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "InternalError",
  "ServiceUnavailable",
]);

/** Node's socket-level failures: the request may never have reached S3. */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

interface SdkLikeError {
  name?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: unknown;
  cause?: unknown;
}

/**
 * Whether an error from an AWS SDK call is worth retrying: 5xx and 429 responses, S3's throttling and
 * timeout error names, the SDK's own `$retryable` flag (set on throttling), and network errors.
 */
export const isTransientError = (error: unknown, depth = 0): boolean => {
  if (typeof error !== "object" || error === null || depth > 3) return false;
  const e = error as SdkLikeError;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === "number" && (status >= 500 || status === 429)) return true;
  if (typeof e.name === "string" && TRANSIENT_NAMES.has(e.name)) return true;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  if (e.$retryable !== undefined && e.$retryable !== null && e.$retryable !== false) return true;
  // Network errors often arrive wrapped (`fetch failed` with the socket error as its cause).
  return e.cause !== undefined && isTransientError(e.cause, depth + 1);
};

/** A short, log-friendly description of any thrown value. */
export const describeError = (error: unknown): string => {
  if (error instanceof Error) {
    const status = (error as SdkLikeError).$metadata?.httpStatusCode;
    return `${error.name}${typeof status === "number" ? ` (HTTP ${status})` : ""}: ${error.message}`;
  }
  return String(error);
};
