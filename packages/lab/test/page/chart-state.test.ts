import { describe, expect, it } from "vitest";
import { renderConcurrencyChart, stepPoints, yMaxOf } from "../../page/lib/chart.js";
import {
  createLabState,
  recordConcurrency,
  recordInvocation,
  recordStart,
  recordThrottle,
  setFunctions,
  totals,
} from "../../page/lib/state.js";

const T0 = 1_000_000;

const labWithTransform = () => {
  const state = createLabState({ historyMs: 60_000, maxInvocations: 3 });
  setFunctions(state, [{ id: "transform", name: "lab-dev-transform", reservedConcurrency: 5 }], T0);
  return state;
};

describe("stepPoints", () => {
  it("holds each value until the next change and starts from the value before the window", () => {
    const samples = [
      { t: 0, value: 2 },
      { t: 150, value: 3 },
      { t: 180, value: 0 },
    ];

    expect(stepPoints(samples, 100, 200)).toEqual([
      { t: 100, value: 2 },
      { t: 150, value: 2 },
      { t: 150, value: 3 },
      { t: 180, value: 3 },
      { t: 180, value: 0 },
      { t: 200, value: 0 },
    ]);
  });

  it("draws a flat line when nothing changed in the window", () => {
    expect(stepPoints([{ t: 0, value: 1 }], 100, 200)).toEqual([
      { t: 100, value: 1 },
      { t: 200, value: 1 },
    ]);
  });
});

describe("lab state", () => {
  it("tracks concurrency, its peak and the throttles per function", () => {
    const state = labWithTransform();

    recordConcurrency(state, "transform", 5, T0 + 10);
    recordThrottle(state, "transform", T0 + 11);
    recordThrottle(state, "transform", T0 + 12);
    recordConcurrency(state, "transform", 0, T0 + 500);

    const fn = state.functions.get("transform")!;
    expect(fn.concurrent).toBe(0);
    expect(fn.peak).toBe(5);
    expect(fn.throttled).toBe(2);
    expect(totals(state).throttled).toBe(2);
  });

  it("forgets history older than the window but keeps the value the chart starts from", () => {
    const state = labWithTransform();

    recordConcurrency(state, "transform", 2, T0 + 1_000);
    recordThrottle(state, "transform", T0 + 1_000);
    recordConcurrency(state, "transform", 1, T0 + 120_000);

    const fn = state.functions.get("transform")!;
    expect(fn.samples).toEqual([
      { t: T0 + 1_000, value: 2 },
      { t: T0 + 120_000, value: 1 },
    ]);
    expect(fn.throttleTimes).toEqual([]);
    expect(fn.throttled).toBe(1);
  });

  it("moves a finished invocation from running to the top of the list, keeping the newest few", () => {
    const state = labWithTransform();
    for (const requestId of ["a", "b", "c", "d"]) {
      recordStart(state, { requestId, functionId: "transform", status: "running", cold: requestId === "a" });
      recordInvocation(state, {
        requestId,
        functionId: "transform",
        status: requestId === "d" ? "error" : "success",
        cold: requestId === "a",
        durationMs: 5,
      });
    }

    expect(state.invocations.map((i) => i.requestId)).toEqual(["d", "c", "b"]);
    expect(state.running.size).toBe(0);
    expect(totals(state)).toMatchObject({ shown: 3, cold: 0, warm: 3, errors: 1 });
  });

  it("tracks a function the snapshot did not list, without a limit", () => {
    const state = createLabState();

    recordConcurrency(state, "new-fn", 1, T0);

    expect(state.functions.get("new-fn")).toMatchObject({ reservedConcurrency: null, concurrent: 1 });
  });
});

describe("renderConcurrencyChart", () => {
  it("draws the reserved concurrency line and a tick per throttle, and describes both", () => {
    const state = labWithTransform();
    recordConcurrency(state, "transform", 5, T0 + 1_000);
    recordThrottle(state, "transform", T0 + 1_001);
    recordThrottle(state, "transform", T0 + 1_002);

    const svg = renderConcurrencyChart(state.functions.get("transform")!, {
      now: T0 + 30_000,
      windowMs: 60_000,
    }).value;

    expect(svg.match(/class="chart-limit"/g)).toHaveLength(1);
    expect(svg.match(/class="chart-throttle"/g)).toHaveLength(2);
    expect(svg).toContain(
      'aria-label="transform: 5 running now, peak 5 in the last 1 min, reserved concurrency 5, 2 throttled"',
    );
  });

  it("puts the limit line at the limit's height", () => {
    const state = labWithTransform();
    const fn = state.functions.get("transform")!;

    const svg = renderConcurrencyChart(fn, {
      now: T0 + 1_000,
      windowMs: 60_000,
      width: 100,
      height: 88,
    }).value;

    // yMax = limit + 1 = 6; the plot is 64 high from y=8: the limit 5 sits at 8 + 64 - 5/6*64 ≈ 18.7.
    expect(yMaxOf(fn, 0)).toBe(6);
    expect(svg).toMatch(/class="chart-limit" x1="22" x2="94" y1="18.7" y2="18.7"/);
  });

  it("draws no limit line for a function without reserved concurrency", () => {
    const state = createLabState();
    setFunctions(state, [{ id: "alerts", name: "alerts", reservedConcurrency: null }], T0);

    const svg = renderConcurrencyChart(state.functions.get("alerts")!, { now: T0, windowMs: 60_000 }).value;

    expect(svg).not.toContain("chart-limit");
    expect(svg).toContain("no reserved concurrency");
  });
});
