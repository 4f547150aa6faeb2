import type { Log } from "../log.js";
import type { SlackMessage } from "./block-kit.js";

/** Delivers one message or throws; the port the handler depends on. */
export interface SlackNotifier {
  send(message: SlackMessage, options?: SendOptions): Promise<void>;
}

export interface SendOptions {
  /** Lambda's `context.getRemainingTimeInMillis`: no retry wait may outlive the invocation. */
  remainingMs?: () => number;
}

/** Slack refused or could not be reached. The message never contains the webhook URL. */
export class SlackDeliveryError extends Error {
  override name = "SlackDeliveryError";
  constructor(
    message: string,
    readonly attempts: number,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface SlackWebhookOptions {
  /** Resolves the secret URL (from the environment or SSM); called per send, cached by the resolver. */
  url: () => Promise<string>;
  maxAttempts: number;
  /** Minimum gap between two posts from this container (Slack: ~1 message/s per webhook). */
  minIntervalMs: number;
  log: Log;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** First backoff step; doubles per attempt, with jitter. */
  backoffBaseMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

/** Longer waits than this are not worth holding a Lambda for: throw and let Lambda's async retry take over. */
const MAX_RETRY_AFTER_MS = 30_000;
/** Time kept back from the invocation deadline for logging and returning the error. */
const DEADLINE_MARGIN_MS = 2_000;

/** Replaces the URL, and its path (the secret part of a Slack webhook), wherever it shows up. */
export const redactWebhook = (text: string, url: string) => {
  let out = text.split(url).join("[webhook]");
  try {
    const { pathname } = new URL(url);
    if (pathname.length > 1) out = out.split(pathname).join("[webhook path]");
  } catch {
    // Not a URL: nothing more to hide than the string itself.
  }
  return out;
};

/** `Retry-After` is delta-seconds or an HTTP date. */
export const parseRetryAfter = (value: string | null, now: number): number | undefined => {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value.trim()) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

type Attempt =
  | { ok: true }
  | { ok: false; retryable: boolean; status?: number; detail: string; retryAfterMs?: number };

const errorCode = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; name?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  if (error instanceof Error && error.name !== "TypeError") return error.name; // e.g. TimeoutError
  return typeof cause?.name === "string" ? cause.name : "network error";
};

/**
 * Posts to a Slack incoming webhook. 429 and 5xx (and network errors) are retried with exponential
 * backoff, honouring `Retry-After`; other 4xx are not (Slack will answer the same way), and after the
 * last attempt it throws so Lambda's own retries and the on-failure destination keep the alert.
 */
export const createSlackWebhook = (options: SlackWebhookOptions): SlackNotifier => {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const backoffBaseMs = options.backoffBaseMs ?? 500;
  /** Earliest time the next post may go out; shared by every send of this warm container. */
  let nextPostAt = 0;

  const post = async (url: string, body: string): Promise<Attempt> => {
    let response: Response;
    try {
      response = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { ok: false, retryable: true, detail: `request failed (${errorCode(error)})` };
    }
    const text = await response.text().catch(() => "");
    if (response.ok) return { ok: true };
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now());
    const detail = `HTTP ${response.status}${text ? ` ${redactWebhook(text.slice(0, 200), url)}` : ""}`;
    const retryable = response.status === 429 || response.status >= 500;
    return {
      ok: false,
      retryable,
      status: response.status,
      detail,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  };

  return {
    async send(message, sendOptions = {}) {
      const url = await options.url();
      const body = JSON.stringify(message);
      for (let attempt = 1; ; attempt++) {
        const wait = nextPostAt - now();
        if (wait > 0) await sleep(wait);
        nextPostAt = now() + options.minIntervalMs;
        const result = await post(url, body);
        if (result.ok) return;

        const fail = (why: string) =>
          new SlackDeliveryError(
            `Slack webhook did not accept the message: ${result.detail}; ${why}`,
            attempt,
            result.status,
          );
        if (!result.retryable) throw fail("not retryable");
        if (attempt >= options.maxAttempts) throw fail(`gave up after ${attempt} attempt(s)`);
        if (result.retryAfterMs !== undefined && result.retryAfterMs > MAX_RETRY_AFTER_MS) {
          throw fail(
            `Retry-After ${Math.round(result.retryAfterMs / 1000)} s is longer than an invocation should wait`,
          );
        }
        const exponential = backoffBaseMs * 2 ** (attempt - 1);
        const delay = Math.max(
          result.retryAfterMs ?? 0,
          Math.round(exponential / 2 + (random() * exponential) / 2),
        );
        const remaining = sendOptions.remainingMs?.();
        if (remaining !== undefined && delay > remaining - DEADLINE_MARGIN_MS) {
          throw fail(`waiting ${delay} ms more would outlive the invocation`);
        }
        options.log.warn("Slack webhook refused the message; retrying", {
          attempt,
          status: result.status,
          detail: result.detail,
          delayMs: delay,
        });
        // A 429 speaks for the webhook, not just this message: hold every later post too.
        nextPostAt = Math.max(nextPostAt, now() + delay);
        await sleep(delay);
      }
    },
  };
};
