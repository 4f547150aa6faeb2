import { costByFunction, TUNING_MEMORY_SIZES } from "@lambda-lab/architecture/invocation-cost";
import { priceTable } from "@lambda-lab/architecture/prices";
import { describe, expect, it } from "vitest";
import { badgeText, countEvent, emptyCounts } from "../../page/panels/architecture.js";
import { cheapest, formatUsd, renderBurst, renderSummary, renderTuning } from "../../page/panels/cost.js";

/** A snapshot as GET /api/cost answers it, from the architecture package's real model. */
const snapshot = () => {
  const functions = costByFunction(
    [
      {
        functionId: "transform",
        billedDurationMs: 900,
        durationMs: 400,
        initDurationMs: 499,
        cpuTimeMs: 700,
        memorySizeMb: 1024,
        architecture: "arm64",
      },
      {
        functionId: "transform",
        billedDurationMs: 350,
        durationMs: 349.2,
        cpuTimeMs: 600,
        memorySizeMb: 1024,
        architecture: "arm64",
      },
    ],
    priceTable("eu-west-1").lambda,
  );
  return {
    available: true,
    region: "eu-west-1",
    architecture: "arm64",
    pricesAsOf: "2026-12-01",
    totalUsd: functions.reduce((s, f) => s + f.totalUsd, 0),
    invocations: 2,
    functions,
    memorySizes: [...TUNING_MEMORY_SIZES],
    model: "Model, not a measurement",
  };
};

describe("the cost panel", () => {
  it("writes millionths of a dollar in full, and cents as cents", () => {
    expect(formatUsd(0.0000021666755)).toBe("$0.00000217");
    expect(formatUsd(12.345)).toBe("$12.35");
    expect(formatUsd(0)).toBe("$0");
  });

  it("sums up the invocations at the stack's architecture beside the other one", () => {
    const text = renderSummary(snapshot()).value.replace(/\s+/g, " ");
    expect(text).toMatch(
      /2 invocations would have cost <strong>\$0\.0000\d+<\/strong> on arm64 in eu-west-1 \(\$0\.0000\d+ on x86_64\)/,
    );
  });

  it("marks the power-tuning table as a model, the configured size and the cheapest cell", () => {
    const snap = snapshot();
    const transform = snap.functions[0]!;
    const markup = renderTuning(transform, snap).value;
    expect(markup).toContain("<strong>a model</strong>");
    expect(markup).toMatch(/1024 MB · configured/);
    expect(markup).toMatch(/1769 MB \(1 vCPU\)/);
    const best = cheapest(transform)!;
    expect(markup).toContain('class="num best"');
    // sharp-like work (CPU time above wall time) is cheapest where it still gets its CPU: not at 10 GB.
    expect(best.memorySizeMb).toBeLessThan(10_240);
  });

  it("says what the last burst would have cost", () => {
    const text = renderBurst(
      {
        functionId: "upload",
        count: 20,
        cost: {
          totalUsd: 0.0000041666675,
          otherArchitecture: { architecture: "x86_64", totalUsd: 0.0000042083 },
        },
      },
      "arm64",
    ).value;
    expect(text.replace(/\s+/g, " ")).toContain(
      "The last burst (20 × upload) would have cost <strong>$0.00000417</strong> on arm64",
    );
  });
});

describe("the live diagram's counts", () => {
  it("count calls, 429s and errors per function, and what is running", () => {
    let c = emptyCounts();
    c = countEvent(c, "invocation-start", {});
    expect(c.running).toBe(1);
    c = countEvent(c, "invocation", { status: "success" });
    c = countEvent(c, "throttle", {});
    c = countEvent(c, "invocation-start", {});
    c = countEvent(c, "invocation", { status: "timeout" });
    expect(c).toEqual({ ok: 1, errors: 1, throttles: 1, running: 0 });
    expect(badgeText(c)).toBe("1 ok · 1×429 · 1 err");
    expect(badgeText(emptyCounts())).toBe("0 ok");
  });
});
