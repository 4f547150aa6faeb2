import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PausableTimer } from "../../src/runtime/pausable-timer.js";

describe("the timeout clock a debugger can hold", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it("does not fire while paused, and fires after the time left once resumed", () => {
    const fired = vi.fn();
    const timer = new PausableTimer(fired);
    timer.start(1_000);
    vi.advanceTimersByTime(400);
    timer.pause();
    vi.advanceTimersByTime(5_000);
    expect(fired).not.toHaveBeenCalled();
    timer.resume();
    vi.advanceTimersByTime(599);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
    expect(timer.pausedMs).toBe(5_000);
  });

  it("counts a pause still in progress when the invocation ends before the resume is heard", () => {
    const timer = new PausableTimer(() => {});
    timer.start(1_000);
    timer.pause();
    vi.advanceTimersByTime(2_500);
    timer.clear();
    timer.resume();
    expect(timer.heldMs()).toBe(2_500);
  });
});
