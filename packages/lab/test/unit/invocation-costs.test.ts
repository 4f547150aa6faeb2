import { describe, expect, it } from "vitest";
import { createCostMeter } from "../../src/cost/invocation-costs.js";
import { formatReportLine } from "../../src/runtime/report.js";

/** A record as the runtime makes it: the lab's own REPORT line, and the CPU time the worker measured. */
const record = (functionId: string, r: Parameters<typeof formatReportLine>[0], cpuTimeMs?: number) => ({
  functionId,
  report: formatReportLine(r),
  cpuTimeMs,
});

describe("the lab's cost meter", () => {
  it("prices each REPORT line at the stack's architecture, with running totals per function", () => {
    // Prepare
    const meter = createCostMeter({ region: "eu-west-1", architecture: "arm64" });
    // Act: a cold start (billed 12.34 + 512.34 → 525 ms) and a warm call (4.37 → 5 ms) of a 256 MB function
    meter.record(
      record(
        "upload",
        { requestId: "a", durationMs: 12.34, initDurationMs: 512.34, memorySizeMb: 256, maxMemoryUsedMb: 70 },
        8,
      ),
    );
    meter.record(
      record("upload", { requestId: "b", durationMs: 4.37, memorySizeMb: 256, maxMemoryUsedMb: 70 }, 2),
    );
    const snapshot = meter.snapshot();
    // Assess: 0.525 s × 0.25 GB × $0.0000133334 + $0.0000002, plus 0.005 s × 0.25 GB × … + $0.0000002
    expect(snapshot.available).toBe(true);
    expect(snapshot.totalUsd).toBeCloseTo(0.0000021666755, 15);
    const upload = snapshot.functions[0]!;
    expect(upload).toMatchObject({ functionId: "upload", invocations: 2, coldStarts: 1, billedMs: 530 });
    expect(upload.otherArchitecture.architecture).toBe("x86_64");
    expect(upload.tuning.modelled).toBe(2);
    expect(snapshot.model).toMatch(/^Model, not a measurement/);
  });

  it("says what a burst would have cost, at both architectures", () => {
    const meter = createCostMeter({ region: "eu-west-1", architecture: "arm64" });
    const calls = Array.from({ length: 20 }, (_, i) =>
      record("upload", { requestId: `r${i}`, durationMs: 4.2, memorySizeMb: 128, maxMemoryUsedMb: 60 }),
    );
    // each: 0.005 s × 0.125 GB × $0.0000133334 + $0.0000002 request
    expect(meter.price(calls)?.totalUsd).toBeCloseTo(0.0000041666675, 15);
    // x86_64: 20 × (0.005 s × 0.125 GB × $0.0000166667 + $0.0000002)
    expect(meter.price(calls)?.otherArchitecture.totalUsd).toBeCloseTo(0.00000420833375, 15);
  });

  it("has no figures, and says why, for a region without a price table", () => {
    const meter = createCostMeter({ region: "ap-south-2", architecture: "arm64" });
    meter.record(record("upload", { requestId: "a", durationMs: 1, memorySizeMb: 128, maxMemoryUsedMb: 1 }));
    expect(meter.snapshot()).toMatchObject({ available: false, reason: expect.stringMatching(/ap-south-2/) });
    expect(meter.price([])).toBeUndefined();
  });

  it("counts a line it cannot read instead of breaking the invocation that reported it", () => {
    const meter = createCostMeter({ region: "eu-west-1", architecture: "arm64" });
    expect(() => meter.record({ functionId: "x", report: "not a report" })).not.toThrow();
    expect(meter.snapshot()).toMatchObject({ skipped: 1, invocations: 0 });
  });
});
