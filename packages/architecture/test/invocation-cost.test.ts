import { describe, expect, it } from "vitest";
import {
  costByFunction,
  InvocationCostError,
  invocationCost,
  modelDuration,
  totalCost,
  VCPU_MEMORY_MB,
} from "../src/invocation-cost.js";
import { priceTable } from "../src/prices.js";
import { parseReportLine, ReportLineError } from "../src/report-line.js";

const lambda = priceTable("eu-west-1").lambda;

// A cold start as the lab prints it (packages/lab/src/runtime/report.ts) and as CloudWatch shows it.
const COLD =
  "REPORT RequestId: 8f5e…-cold\tDuration: 12.34 ms\tBilled Duration: 525 ms\tMemory Size: 256 MB\tMax Memory Used: 71 MB\tInit Duration: 512.34 ms";
const WARM =
  "REPORT RequestId: 3c1a-warm\tDuration: 4.37 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 65 MB";

describe("a REPORT line", () => {
  it("gives the billed duration (INIT included since August 2025), memory and init of a cold start", () => {
    expect(parseReportLine(COLD)).toEqual({
      requestId: "8f5e…-cold",
      durationMs: 12.34,
      billedDurationMs: 525,
      memorySizeMb: 256,
      maxMemoryUsedMb: 71,
      initDurationMs: 512.34,
    });
    expect(parseReportLine(`${WARM}\tStatus: timeout`)).toMatchObject({
      billedDurationMs: 5,
      status: "timeout",
    });
  });

  it("refuses a line that is not a REPORT line, or lacks a figure, naming what is wrong", () => {
    expect(() => parseReportLine("START RequestId: 1 Version: $LATEST")).toThrow(ReportLineError);
    expect(() => parseReportLine("REPORT RequestId: 1\tDuration: 3 ms\tMemory Size: 128 MB")).toThrow(
      /without billedDurationMs/,
    );
  });
});

describe("what an invocation costs", () => {
  it("is one request plus billed seconds × GB × the architecture's rate (worked by hand)", () => {
    const cold = parseReportLine(COLD);
    const arm = invocationCost({ ...cold, architecture: "arm64" }, lambda);
    // 0.525 s × 0.25 GB = 0.13125 GB-s; × $0.0000133334 = $0.00000175000875; + $0.0000002 request
    expect(arm.gbSeconds).toBeCloseTo(0.13125, 12);
    expect(arm.durationUsd).toBeCloseTo(0.00000175000875, 15);
    expect(arm.totalUsd).toBeCloseTo(0.00000195000875, 15);
    // x86_64: 0.13125 × $0.0000166667 = $0.000002187504375 + $0.0000002
    expect(invocationCost({ ...cold, architecture: "x86_64" }, lambda).totalUsd).toBeCloseTo(
      0.000002387504375,
      15,
    );
  });

  it("adds up a burst: 20 warm 128 MB arm64 calls of 5 ms", () => {
    const warm = { ...parseReportLine(WARM), architecture: "arm64" as const };
    // each: 0.005 s × 0.125 GB × $0.0000133334 = $0.000000008333375 + $0.0000002 request
    expect(totalCost(Array(20).fill(warm), lambda)).toBeCloseTo(0.0000041666675, 15);
  });

  it("refuses memory outside Lambda's 128-10,240 MB and negative durations", () => {
    expect(() =>
      invocationCost({ billedDurationMs: 5, memorySizeMb: 64, architecture: "arm64" }, lambda),
    ).toThrow(InvocationCostError);
    expect(() =>
      invocationCost({ billedDurationMs: -1, memorySizeMb: 128, architecture: "arm64" }, lambda),
    ).toThrow(/non-negative/);
  });
});

describe("the power-tuning model", () => {
  it("runs CPU work at memory/1,769 vCPU and keeps the waiting as measured", () => {
    // 30 ms measured, 10 ms of it CPU: 20 ms waiting.
    const m = { durationMs: 30, cpuTimeMs: 10 };
    expect(modelDuration(m, VCPU_MEMORY_MB).durationMs).toBeCloseTo(30, 10);
    // 256 MB = 256/1769 vCPU: 10 ms × 1769/256 = 69.10 ms of CPU + 20 ms
    expect(modelDuration(m, 256).durationMs).toBeCloseTo(20 + (10 * 1769) / 256, 10);
    // One thread cannot use more than one vCPU: 3,008 MB is no faster than 1,769 MB.
    expect(modelDuration(m, 3008).durationMs).toBeCloseTo(30, 10);
  });

  it("lets parallel work (CPU time above wall time) use the extra vCPUs above 1,769 MB", () => {
    // sharp on two threads: 60 ms CPU in 30 ms wall.
    const m = { durationMs: 30, cpuTimeMs: 60 };
    expect(modelDuration(m, 2 * VCPU_MEMORY_MB).durationMs).toBeCloseTo(30, 10);
    expect(modelDuration(m, VCPU_MEMORY_MB).durationMs).toBeCloseTo(60, 10);
  });

  it("bills the modelled duration with the init kept as measured, rounded up to the ms", () => {
    expect(
      modelDuration({ durationMs: 30, cpuTimeMs: 10, initDurationMs: 100.2 }, 1769).billedDurationMs,
    ).toBe(131);
  });

  it("prices each function's invocations as billed, at the other architecture, and at other memory sizes", () => {
    const base = { functionId: "upload", memorySizeMb: 256, architecture: "arm64" as const };
    const costs = costByFunction(
      [
        { ...base, billedDurationMs: 525, durationMs: 12.34, initDurationMs: 512.34, cpuTimeMs: 8 },
        { ...base, billedDurationMs: 5, durationMs: 4.37, cpuTimeMs: 2 },
        { ...base, functionId: "alerts", billedDurationMs: 40, durationMs: 39.2 },
      ],
      lambda,
      [128, 1769],
    );
    expect(costs.map((c) => c.functionId)).toEqual(["alerts", "upload"]);
    const upload = costs[1]!;
    expect(upload).toMatchObject({ invocations: 2, coldStarts: 1, billedMs: 530, memorySizeMb: 256 });
    // cold $0.00000195000875 + warm (0.005 s × 0.25 GB × $0.0000133334 + $0.0000002) $0.00000021666675
    expect(upload.totalUsd).toBeCloseTo(0.0000021666755, 15);
    expect(upload.otherArchitecture.architecture).toBe("x86_64");
    expect(upload.otherArchitecture.totalUsd).toBeGreaterThan(upload.totalUsd);
    expect(upload.tuning.modelled).toBe(2);
    const at = (mem: number, arch: string) =>
      upload.tuning.cells.find((c) => c.memorySizeMb === mem && c.architecture === arch)!;
    // At 1,769 MB the measured run is the model's run: (12.34 + 4.37) / 2 ms.
    expect(at(1769, "arm64").meanDurationMs).toBeCloseTo((12.34 + 4.37) / 2, 10);
    expect(at(128, "arm64").meanDurationMs).toBeGreaterThan(at(1769, "arm64").meanDurationMs);
    // alerts had no CPU time measured: nothing modelled, nothing invented.
    expect(costs[0]!.tuning.modelled).toBe(0);
  });
});
