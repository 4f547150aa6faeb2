import { describe, expect, it } from "vitest";
import { matchesFilter } from "../../page/panels/invocation-detail.js";
import type { InvocationRecord } from "../../src/runtime/function-pool.js";
import { invocationDetail } from "../../src/server/invocation-detail-route.js";

const record = (over: Partial<InvocationRecord>): InvocationRecord => ({
  requestId: "r-1",
  status: "success",
  body: '{"statusCode":200}',
  cold: true,
  initDurationMs: 200,
  durationMs: 20,
  maxMemoryUsedMb: 67,
  logs: ["INIT_START Runtime Version: nodejs:24", '{"message":"hello"}'],
  startedAt: 0,
  endedAt: 20,
  environmentId: "e-1",
  functionId: "upload",
  functionName: "lambda-lab-dev-upload",
  invocationType: "RequestResponse",
  source: "page",
  attempt: 1,
  memorySizeMb: 256,
  billedDurationMs: 220,
  report: "REPORT RequestId: r-1\tDuration: 20.00 ms",
  ...over,
});

describe("invocation detail", () => {
  it("lays the log out as CloudWatch does: INIT_START, START, lines, END, REPORT", () => {
    const [detail] = invocationDetail([record({})], "r-1");

    expect(detail?.log).toEqual([
      "INIT_START Runtime Version: nodejs:24",
      "START RequestId: r-1 Version: $LATEST",
      '{"message":"hello"}',
      "END RequestId: r-1",
      "REPORT RequestId: r-1\tDuration: 20.00 ms",
    ]);
    expect(detail).toMatchObject({ response: { statusCode: 200 }, initDurationMs: 200, maxMemoryUsedMb: 67 });
  });

  it("returns every attempt of an async event, and the error of a failed one", () => {
    const attempts = invocationDetail(
      [
        record({
          attempt: 1,
          status: "error",
          errorType: "Error",
          body: '{"errorType":"Error","errorMessage":"boom"}',
        }),
        record({ requestId: "other" }),
        record({ attempt: 2, cold: false, initDurationMs: undefined }),
      ],
      "r-1",
    );

    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(attempts[0]).toMatchObject({ errorType: "Error", error: { errorMessage: "boom" } });
    expect(attempts[1]?.initDurationMs).toBeNull();
  });

  it("filters rows by function and outcome (any failure = not success)", () => {
    expect(
      matchesFilter({ function: "upload", status: "timeout" }, { functionId: "upload", outcome: "failed" }),
    ).toBe(true);
    expect(
      matchesFilter({ function: "upload", status: "success" }, { functionId: "upload", outcome: "failed" }),
    ).toBe(false);
    expect(
      matchesFilter({ function: "transform", status: "success" }, { functionId: "upload", outcome: "" }),
    ).toBe(false);
    expect(
      matchesFilter({ function: "transform", status: "error" }, { functionId: "", outcome: "error" }),
    ).toBe(true);
  });
});
