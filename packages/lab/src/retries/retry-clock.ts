import { EventEmitter } from "node:events";
import type { RetryScheduler } from "../runtime/function-pool.js";

/**
 * Lambda's waits before the retries of a failed asynchronous invocation: "by default Lambda attempts to
 * run it two more times, with a one-minute wait between the first two attempts, and two minutes between
 * the second and third attempts" ("How Lambda handles errors and retries with asynchronous invocation",
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). How many of them a
 * function gets is its MaximumRetryAttempts (0–2), from the catalog.
 */
export const LAMBDA_RETRY_DELAYS_MS: readonly number[] = [60_000, 120_000];

/** The speed "fast-forward" means when none is given: a minute of Lambda's wait is a second here. */
export const FAST_FORWARD_SPEED = 60;
/** Fastest fast-forward: a minute waits 16.7 ms, enough for a test to see every step in order. */
export const MAX_SPEED = 3_600;

export type ClockMode = "real" | "fast-forward";

export class RetryClockError extends Error {
  override name = "RetryClockError";
  readonly status = 400;
}

/** A retry waiting on the clock. */
export interface PendingRetry {
  functionId: string;
  requestId: string;
  /** The attempt this retry will be: 2 or 3. */
  attempt: number;
  /** Lambda's wait before it (60 s or 120 s). */
  lambdaDelayMs: number;
  /** What the lab waits for it at the clock's speed when it was scheduled. */
  wallDelayMs: number;
  scheduledAt: number;
  dueAt: number;
}

/** How a wait ended: on time, or skipped ("skip the wait now"). */
export interface FiredRetry extends PendingRetry {
  firedAt: number;
  skipped: boolean;
  /** The clock's mode and speed when it fired (a wait can start real and be fast-forwarded). */
  mode: ClockMode;
  speed: number;
}

export interface ClockState {
  mode: ClockMode;
  /** 1 for real time; N: one second here is N seconds of Lambda's wait. */
  speed: number;
  /** What the page prints beside the timeline, so a fast-forwarded wait is never mistaken for Lambda's. */
  label: string;
  lambdaDelaysMs: readonly number[];
  pending: PendingRetry[];
}

export interface RetryClockEvents {
  scheduled: [PendingRetry];
  fired: [FiredRetry];
  mode: [ClockState];
}

export interface RetryClock extends RetryScheduler {
  readonly events: EventEmitter<RetryClockEvents>;
  state(): ClockState;
  /** Real Lambda delays, or fast-forward (`speed` default ×60). Waits already running are rescaled. */
  set(mode: ClockMode, speed?: number): ClockState;
  /** Every waiting retry (or only `requestId`'s) runs now; returns how many did. */
  skip(requestId?: string): number;
  /** Cancels every wait (the lab is stopping). */
  stop(): void;
}

const minutes = (ms: number) => {
  const s = ms / 1000;
  return s % 60 === 0 ? `${s / 60} min` : `${s} s`;
};

export const clockLabel = (mode: ClockMode, speed: number, delays = LAMBDA_RETRY_DELAYS_MS): string =>
  mode === "real"
    ? `real time: Lambda's waits, ${delays.map(minutes).join(" then ")}`
    : `fast-forward ×${speed}: Lambda's ${delays.map(minutes).join(" and ")} waits take ${delays.map((d) => `${Math.round(d / speed) / 1000} s`).join(" and ")} here`;

const checkedSpeed = (mode: ClockMode, speed: unknown): number => {
  if (mode === "real") return 1;
  if (speed === undefined) return FAST_FORWARD_SPEED;
  if (typeof speed !== "number" || !Number.isInteger(speed) || speed < 2 || speed > MAX_SPEED)
    throw new RetryClockError(
      `fast-forward speed must be a whole number from 2 to ${MAX_SPEED} (got ${JSON.stringify(speed)})`,
    );
  return speed;
};

export const parseClockMode = (value: unknown): ClockMode => {
  if (value === "real" || value === "fast-forward") return value;
  throw new RetryClockError(`clock mode must be "real" or "fast-forward" (got ${JSON.stringify(value)})`);
};

interface Waiting {
  retry: PendingRetry;
  run: () => void;
  timer: NodeJS.Timeout;
}

/**
 * The lab's clock for async retries: Lambda's real waits by default, or fast-forwarded (clearly labelled),
 * or skipped on demand. Only the wait is scaled; the invocations themselves run in real time.
 */
export const createRetryClock = (
  options: { mode?: ClockMode; speed?: number; lambdaDelaysMs?: readonly number[]; now?: () => number } = {},
): RetryClock => {
  const now = options.now ?? Date.now;
  const delays = options.lambdaDelaysMs ?? LAMBDA_RETRY_DELAYS_MS;
  let mode: ClockMode = options.mode ?? "real";
  let speed = checkedSpeed(mode, options.speed);
  const events = new EventEmitter<RetryClockEvents>();
  const waiting = new Set<Waiting>();

  const fire = (entry: Waiting, skipped: boolean) => {
    if (!waiting.delete(entry)) return;
    clearTimeout(entry.timer);
    events.emit("fired", { ...entry.retry, firedAt: now(), skipped, mode, speed });
    entry.run();
  };
  const arm = (entry: Waiting, wallMs: number) => {
    entry.timer = setTimeout(() => fire(entry, false), Math.max(0, wallMs));
  };
  const state = (): ClockState => ({
    mode,
    speed,
    label: clockLabel(mode, speed, delays),
    lambdaDelaysMs: delays,
    pending: [...waiting].map((w) => w.retry),
  });

  return {
    events,
    state,
    schedule(retry, run) {
      // Attempt 2 waits the first delay, attempt 3 the second.
      const lambdaDelayMs = delays[retry.attempt - 2] ?? delays.at(-1) ?? 0;
      const wallDelayMs = Math.round(lambdaDelayMs / speed);
      const scheduledAt = now();
      const entry: Waiting = {
        retry: { ...retry, lambdaDelayMs, wallDelayMs, scheduledAt, dueAt: scheduledAt + wallDelayMs },
        run,
        timer: undefined as unknown as NodeJS.Timeout,
      };
      waiting.add(entry);
      arm(entry, wallDelayMs);
      events.emit("scheduled", entry.retry);
      return () => {
        waiting.delete(entry);
        clearTimeout(entry.timer);
      };
    },
    set(nextMode, nextSpeed) {
      const checkedMode = parseClockMode(nextMode);
      const next = checkedSpeed(checkedMode, nextSpeed);
      const at = now();
      for (const entry of waiting) {
        // What is left of Lambda's wait stays the same; only how long it takes here changes.
        const leftLambdaMs = Math.max(0, entry.retry.dueAt - at) * speed;
        const leftWallMs = Math.round(leftLambdaMs / next);
        clearTimeout(entry.timer);
        entry.retry = { ...entry.retry, dueAt: at + leftWallMs };
        arm(entry, leftWallMs);
      }
      mode = checkedMode;
      speed = next;
      const snapshot = state();
      events.emit("mode", snapshot);
      return snapshot;
    },
    skip(requestId) {
      const due = [...waiting].filter((w) => requestId === undefined || w.retry.requestId === requestId);
      for (const entry of due) fire(entry, true);
      return due.length;
    },
    stop() {
      for (const entry of waiting) clearTimeout(entry.timer);
      waiting.clear();
    },
  };
};
