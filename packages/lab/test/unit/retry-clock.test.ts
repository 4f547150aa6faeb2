import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createRetryClock,
  type FiredRetry,
  LAMBDA_RETRY_DELAYS_MS,
  RetryClockError,
} from "../../src/retries/retry-clock.js";

// The clock's own logic on vitest's fake timers: Lambda's minutes pass without a test waiting for them.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const retry = (attempt: number) => ({ functionId: "transform", requestId: "r-1", attempt });

describe("the retry clock", () => {
  it("waits Lambda's documented 1 minute before attempt 2 and 2 minutes before attempt 3 by default", () => {
    // Prepare
    const clock = createRetryClock();
    const ran: number[] = [];
    // Act
    clock.schedule(retry(2), () => ran.push(2));
    clock.schedule(retry(3), () => ran.push(3));
    vi.advanceTimersByTime(59_999);
    const beforeAMinute = [...ran];
    vi.advanceTimersByTime(1);
    const atAMinute = [...ran];
    vi.advanceTimersByTime(60_000);
    // Assess
    expect(LAMBDA_RETRY_DELAYS_MS).toEqual([60_000, 120_000]);
    expect(clock.state()).toMatchObject({ mode: "real", speed: 1 });
    expect(beforeAMinute).toEqual([]);
    expect(atAMinute).toEqual([2]);
    expect(ran).toEqual([2, 3]);
  });

  it("fast-forwards ×60 by default: Lambda's minute is a second, and the label says so", () => {
    // Prepare
    const clock = createRetryClock({ mode: "fast-forward" });
    const ran: number[] = [];
    // Act
    clock.schedule(retry(2), () => ran.push(2));
    vi.advanceTimersByTime(999);
    const early = [...ran];
    vi.advanceTimersByTime(1);
    // Assess
    expect(early).toEqual([]);
    expect(ran).toEqual([2]);
    expect(clock.state().label).toBe(
      "fast-forward ×60: Lambda's 1 min and 2 min waits take 1 s and 2 s here",
    );
  });

  it("keeps what is left of Lambda's wait when switched mid-wait, only taking less time for it", () => {
    // Prepare: 30 s into a real 60 s wait.
    const clock = createRetryClock();
    const ran: number[] = [];
    clock.schedule(retry(2), () => ran.push(2));
    vi.advanceTimersByTime(30_000);
    // Act: the other 30 s of Lambda's wait take 0.5 s at ×60.
    clock.set("fast-forward", 60);
    vi.advanceTimersByTime(499);
    const early = [...ran];
    vi.advanceTimersByTime(1);
    // Assess
    expect(early).toEqual([]);
    expect(ran).toEqual([2]);
  });

  it("runs a waiting retry at once when skipped, and reports it as skipped", () => {
    // Prepare
    const clock = createRetryClock();
    const fired: FiredRetry[] = [];
    clock.events.on("fired", (f) => fired.push(f));
    const ran: number[] = [];
    clock.schedule(retry(2), () => ran.push(2));
    clock.schedule({ ...retry(2), requestId: "r-2" }, () => ran.push(22));
    // Act
    const skipped = clock.skip("r-1");
    // Assess
    expect(skipped).toBe(1);
    expect(ran).toEqual([2]);
    expect(fired).toMatchObject([{ requestId: "r-1", attempt: 2, lambdaDelayMs: 60_000, skipped: true }]);
    expect(clock.state().pending).toMatchObject([{ requestId: "r-2" }]);
  });

  it("never runs a cancelled wait", () => {
    const clock = createRetryClock({ mode: "fast-forward" });
    const ran: number[] = [];
    const cancel = clock.schedule(retry(2), () => ran.push(2));
    cancel();
    vi.advanceTimersByTime(120_000);
    expect(ran).toEqual([]);
    expect(clock.state().pending).toEqual([]);
  });

  it("refuses a mode or speed it does not know, naming the problem", () => {
    const clock = createRetryClock();
    expect(() => clock.set("warp" as never)).toThrow(
      new RetryClockError('clock mode must be "real" or "fast-forward" (got "warp")'),
    );
    expect(() => clock.set("fast-forward", 0.5)).toThrow(/whole number from 2 to 3600 \(got 0\.5\)/);
    expect(() => createRetryClock({ mode: "fast-forward", speed: 100_000 })).toThrow(/got 100000/);
    expect(clock.state().mode).toBe("real");
  });
});
