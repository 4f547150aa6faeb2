import { AwsClient } from "aws4fetch";

/** The role credentials Lambda puts in every function's environment (AWS_ACCESS_KEY_ID, …). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff before attempt n+1: a random share of min(maxDelayMs, baseDelayMs · 2^(n-1)). */
  baseDelayMs: number;
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * The AWS SDK's "standard" retry mode defaults: 3 attempts, full-jitter exponential backoff from 100 ms,
 * capped at 20 s (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 */
export const STANDARD_RETRY: RetryOptions = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 20_000 };

/** Throttling and server faults, as the SDK's standard mode retries them. */
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/** Error codes the SDK retries although AWS answers them with a 4xx (S3's RequestTimeout is a 400). */
const RETRYABLE_CODES =
  /<Code>(RequestTimeout|RequestTimeoutException|Throttling|ThrottlingException|SlowDown)<\/Code>|"__type"\s*:\s*"[^"]*#?(ThrottlingException|RequestTimeoutException|TooManyRequestsException)"/;
/** Socket-level failures: the request may never have reached AWS, so a new attempt is safe to make. */
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

/** fetch rejects with `TypeError: fetch failed` and the socket error as its cause. */
const isNetworkError = (error: unknown): boolean => {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === "string" && NETWORK_CODES.has(cause.code);
};

export type AwsFetch = (url: string, init: RequestInit) => Promise<Response>;

/** The region or the credentials are missing: what the SDK's providers would report at the first call. */
export class AwsConfigError extends Error {
  override name = "AwsConfigError";
}

export interface AwsFetchOptions {
  service: string;
  /** AWS_REGION: Lambda always sets it. */
  region: string | undefined;
  /** From AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, which Lambda sets from the role. */
  credentials: Partial<AwsCredentials>;
  retry?: Partial<RetryOptions>;
}

/**
 * Like the SDK, nothing is checked before the first request (importing a function never fails for a
 * missing credential the runtime always provides); the first request fails with what is missing.
 */
const signerFor = (options: AwsFetchOptions): AwsClient => {
  const { accessKeyId, secretAccessKey, sessionToken } = options.credentials;
  if (!options.region)
    throw new AwsConfigError(`${options.service}: no region: AWS_REGION is not set (Lambda always sets it)`);
  if (!accessKeyId || !secretAccessKey)
    throw new AwsConfigError(
      `${options.service}: no credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set ` +
        "(Lambda sets them from the function's role; the local lab passes its own)",
    );
  return new AwsClient({
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    service: options.service,
    region: options.region,
    // One attempt per call: the loop in createAwsFetch owns retries, so network errors are retried too.
    retries: 0,
  });
};

/**
 * A SigV4-signed fetch for one AWS service and region (aws4fetch, ~7 KB, instead of an SDK client and
 * its middleware stack, which is what a function's cold start pays for), with the SDK's standard retries:
 * throttling, 5xx and network errors are tried again with backoff, everything else is returned as is.
 */
export const createAwsFetch = (options: AwsFetchOptions): AwsFetch => {
  let signer: AwsClient | undefined;
  const retry = { ...STANDARD_RETRY, ...options.retry };
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = retry.random ?? Math.random;
  const backoff = (attempt: number) =>
    sleep(random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)));

  return async (url, init) => {
    signer ??= signerFor(options);
    const client = signer;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= retry.maxAttempts;
      let response: Response;
      try {
        // Signed afresh each attempt: the signature carries the time.
        response = await client.fetch(url, init);
      } catch (error) {
        if (last || !isNetworkError(error)) throw error;
        await backoff(attempt);
        continue;
      }
      if (last) return response;
      if (RETRYABLE_STATUS.has(response.status)) {
        await response.body?.cancel();
        await backoff(attempt);
        continue;
      }
      if (response.status === 400) {
        // The error code is in the body: read it, and hand back an equal response if it is not retryable.
        const text = await response.text();
        if (RETRYABLE_CODES.test(text)) {
          await backoff(attempt);
          continue;
        }
        return new Response(text, { status: response.status, headers: response.headers });
      }
      return response;
    }
  };
};
