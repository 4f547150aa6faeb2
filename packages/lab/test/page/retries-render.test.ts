import { describe, expect, it } from "vitest";
import { describeWait, renderQueueEntry, worthShowing } from "../../page/panels/retries.js";

const wait = { lambdaDelayMs: 60_000, wallDelayMs: 1_000, scheduledAt: 0, dueAt: 1_000 };

describe("the retries panel's words", () => {
  it("never passes a fast-forwarded or skipped wait off as Lambda's", () => {
    expect(describeWait({ ...wait, firedAt: 1_000, skipped: false, mode: "fast-forward", speed: 60 })).toBe(
      "Lambda waits 1 min: 1000 ms here, fast-forward ×60",
    );
    expect(describeWait({ ...wait, firedAt: 250, skipped: true, mode: "real", speed: 1 })).toBe(
      "Lambda waits 1 min: skipped after 250 ms (“skip the wait now”)",
    );
    expect(
      describeWait({ ...wait, wallDelayMs: 120_000, lambdaDelayMs: 120_000, firedAt: 120_000, mode: "real" }),
    ).toBe("Lambda waits 2 min: waited 120.0 s, real time");
  });

  it("lists failed events and the lesson's own, not every successful async run", () => {
    const base = { requestId: "r", functionId: "alerts", source: "on-failure-queue", maxRetryAttempts: 1 };
    const ok = {
      ...base,
      attempts: [{ attempt: 1, status: "success" }],
      outcome: "succeeded",
      redrivenAs: [],
    };
    expect(worthShowing(ok as never)).toBe(false);
    expect(worthShowing({ ...ok, attempts: [{ attempt: 1, status: "timeout" }] } as never)).toBe(true);
    expect(worthShowing({ ...ok, source: "lesson" } as never)).toBe(true);
    expect(worthShowing({ ...ok, redriveOf: "r-0" } as never)).toBe(true);
  });

  it("offers no second redrive while one is running, and escapes the error text", () => {
    const entry = {
      record: {
        timestamp: "2026-01-01T00:00:00.000Z",
        requestContext: {
          requestId: "r-1",
          functionArn: "arn:aws:lambda:eu-west-1:000000000000:function:lambda-lab-dev-retry-demo:$LATEST",
          condition: "RetriesExhausted",
          approximateInvokeCount: 3,
        },
        requestPayload: {},
        responsePayload: { errorType: "Error", errorMessage: "<b>boom</b>" },
      },
      redrives: [
        { requestId: "r-1", redrivenAs: "r-2", functionId: "retry-demo", at: 0, outcome: "pending" },
      ],
    };
    const markup = renderQueueEntry(entry as never).value;
    expect(markup).toMatch(/data-testid="redrive-r-1" disabled>Redrive/);
    expect(markup).toContain("<strong>lambda-lab-dev-retry-demo</strong>");
    expect(markup).toContain("&lt;b&gt;boom&lt;/b&gt;");
    expect(markup).toContain("redriven: pending");
  });
});
