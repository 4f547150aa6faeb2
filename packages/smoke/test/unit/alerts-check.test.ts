import { createLogger } from "@lambda-lab/shared";
import { afterEach, describe, expect, it, vi } from "vitest";
import { judgeAlerts, POSTED_MESSAGE, readLine } from "../../src/alerts-check.js";
import type { LogLine } from "../../src/ports.js";

const ALARM = "lambda-lab-dev-smoke-20261125T170003-4f1c";
const at = (message: string, requestId?: string): LogLine => ({
  timestamp: 1,
  message,
  ...(requestId ? { requestId } : {}),
});

/** Lines written by the repository's own logger (Powertools), exactly as they reach CloudWatch Logs. */
const powertoolsLines = (log: (logger: ReturnType<typeof createLogger>) => void): string[] => {
  const written: string[] = [];
  // Powertools writes WARN and ERROR to stderr, the rest to stdout; Lambda sends both to the log group.
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(capture),
    vi.spyOn(process.stderr, "write").mockImplementation(capture),
  ];
  try {
    const logger = createLogger("alerts");
    logger.addContext({
      awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
      functionName: "lambda-lab-dev-alerts",
      functionVersion: "$LATEST",
      invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:lambda-lab-dev-alerts",
      memoryLimitInMB: "256",
      logGroupName: "/aws/lambda/lambda-lab-dev-alerts",
      logStreamName: "2026/11/25/[$LATEST]abc",
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => 1000,
      done: () => {},
      fail: () => {},
      succeed: () => {},
    });
    log(logger);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written.join("").split("\n").filter(Boolean);
};

afterEach(() => vi.restoreAllMocks());

describe("readLine", () => {
  it("reads a Powertools line: level, message, the request id it carries", () => {
    const [line] = powertoolsLines((l) =>
      l.info(POSTED_MESSAGE, { kind: "alarm", text: `ALARM: ${ALARM} — x` }),
    );
    expect(readLine(at(line!))).toMatchObject({
      level: "INFO",
      text: POSTED_MESSAGE,
      requestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
    });
  });

  it("reads an error attribute into the text", () => {
    const [line] = powertoolsLines((l) =>
      l.error("Slack delivery failed; throwing so Lambda retries and the on-failure destination keeps it", {
        kind: "alarm",
        error: "SlackError: 403 invalid_token",
      }),
    );
    expect(readLine(at(line!))).toMatchObject({
      level: "ERROR",
      text: expect.stringContaining("(SlackError: 403 invalid_token)"),
    });
  });

  it("reads Lambda's JSON-format runtime error line, whose message is the error object", () => {
    // The Node.js runtime's uncaught-error record with logFormat JSON.
    const line = JSON.stringify({
      timestamp: "2026-11-25T17:00:00.000Z",
      level: "ERROR",
      requestId: "r-1",
      message: {
        errorType: "Runtime.ImportModuleError",
        errorMessage: "Error: Cannot find module 'index'",
        stackTrace: [],
      },
    });
    expect(readLine(at(line))).toEqual({
      level: "ERROR",
      text: "Runtime.ImportModuleError: Error: Cannot find module 'index'",
      requestId: "r-1",
      raw: line,
    });
  });

  it("reads Lambda's text format (the lab's too), taking the request id from the line", () => {
    const line = `2026-11-25T17:00:00.000Z\tr-2\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom"}`;
    expect(readLine(at(line))).toMatchObject({
      level: "ERROR",
      requestId: "r-2",
      text: '{"errorType":"Error","errorMessage":"boom"}',
    });
  });
});

describe("judgeAlerts", () => {
  const posted = powertoolsLines((l) =>
    l.info(POSTED_MESSAGE, { kind: "alarm", text: `ALARM: ${ALARM} — LambdaLab/Smoke SmokeTest` }),
  );
  const postedOther = powertoolsLines((l) =>
    l.info(POSTED_MESSAGE, { kind: "alarm", text: "ALARM: lambda-lab-dev-transform-errors — Errors" }),
  );
  const slackFailed = powertoolsLines((l) =>
    l.error("Slack delivery failed; throwing so Lambda retries", { kind: "alarm" }),
  );

  it("is posted once a posted-to-Slack line names the test alarm", () => {
    expect(
      judgeAlerts(
        ALARM,
        posted.map((m) => at(m)),
        slackFailed.map((m) => at(m)),
      ),
    ).toEqual({
      outcome: "posted",
      requestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
    });
  });

  it("another alarm's post is not ours", () => {
    expect(
      judgeAlerts(
        ALARM,
        postedOther.map((m) => at(m)),
        [],
      ),
    ).toEqual({ outcome: "waiting" });
  });

  it("fails on ERROR lines while our post is missing", () => {
    const verdict = judgeAlerts(
      ALARM,
      [],
      slackFailed.map((m) => at(m)),
    );
    expect(verdict).toMatchObject({
      outcome: "failed",
      errors: [{ level: "ERROR", text: expect.stringContaining("Slack delivery failed") }],
    });
  });

  it("ignores lines below ERROR that a filter let through", () => {
    expect(judgeAlerts(ALARM, [], [at(JSON.stringify({ level: "WARN", message: "retrying" }))])).toEqual({
      outcome: "waiting",
    });
  });
});
