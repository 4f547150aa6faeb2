import { gzipSync } from "node:zlib";
import {
  encodeLogsSubscription,
  makeAlarmMessage,
  makeAlarmSnsEvent,
  makeInvocationFailureRecord,
  makeS3ObjectCreatedEvent,
  makeSnsEvent,
  makeSqsEvent,
  rdsLogGroup,
} from "@lambda-lab/testing";
import { describe, expect, it } from "vitest";
import { recogniseEvent } from "../../src/events.js";
import { decodeLogsSubscription } from "../../src/logs-subscription.js";

const cpuAlarm = {
  name: "lab-dev-web-cpu",
  metric: { namespace: "AWS/EC2", name: "CPUUtilization" },
  threshold: 80,
};
const failure = () =>
  makeInvocationFailureRecord({
    function: "lab-dev-transform",
    requestPayload: makeS3ObjectCreatedEvent("b", "k.jpg"),
  });

describe("recogniseEvent", () => {
  it("recognises an SNS alarm notification", () => {
    const [input] = recogniseEvent(makeAlarmSnsEvent(cpuAlarm));

    expect(input).toMatchObject({
      kind: "alarm",
      alarm: { AlarmName: "lab-dev-web-cpu", NewStateValue: "ALARM" },
    });
  });

  it("recognises a CloudWatch Logs subscription and decodes it", () => {
    const event = encodeLogsSubscription({
      logGroup: rdsLogGroup("lab-dev", "postgresql"),
      logEvents: ["line one"],
      timestamp: 1_795_626_197_000,
    });

    const [input] = recogniseEvent(event);

    expect(input).toMatchObject({
      kind: "logs",
      payload: {
        logGroup: "/aws/rds/instance/lab-dev/postgresql",
        logEvents: [{ message: "line one", timestamp: 1_795_626_197_000 }],
      },
    });
  });

  it("recognises invocation records through SQS, directly and through SNS", () => {
    expect(recogniseEvent(makeSqsEvent([failure(), failure()])).map((i) => i.kind)).toEqual([
      "invocation-failure",
      "invocation-failure",
    ]);
    expect(recogniseEvent(failure())[0]?.kind).toBe("invocation-failure");
    expect(recogniseEvent(makeSnsEvent(failure()))[0]?.kind).toBe("invocation-failure");
  });

  it("ignores a CONTROL_MESSAGE and an on-success record with a reason", () => {
    const control = encodeLogsSubscription({
      logGroup: "/aws/rds/instance/x/postgresql",
      messageType: "CONTROL_MESSAGE",
      logEvents: ["CWL CONTROL MESSAGE: Checking health of destination Lambda."],
    });
    const success = { ...failure(), requestContext: { ...failure().requestContext, condition: "Success" } };

    expect(recogniseEvent(control)[0]).toMatchObject({
      kind: "ignored",
      reason: expect.stringContaining("CONTROL_MESSAGE"),
    });
    expect(recogniseEvent(success)[0]).toMatchObject({
      kind: "ignored",
      reason: expect.stringContaining("on-success"),
    });
  });

  it.each([
    ["a string", "hello", "event is string"],
    ["an array", [1], "event is an array"],
    ["an unknown object", { detail: {} }, "unknown event shape (keys: detail)"],
    ["empty Records", { Records: [] }, "Records is not a non-empty array"],
    ["a Kinesis record", { Records: [{ eventSource: "aws:kinesis" }] }, "comes from aws:kinesis"],
    ["awslogs without data", { awslogs: {} }, "awslogs.data is missing"],
    ["bad base64", { awslogs: { data: "%%%not base64%%%" } }, "awslogs.data is not base64"],
    [
      "base64 that is not gzip",
      { awslogs: { data: Buffer.from("plain text").toString("base64") } },
      "awslogs.data is not gzip",
    ],
    [
      "gzip that is not JSON",
      { awslogs: { data: gzipSync("nope").toString("base64") } },
      "does not hold JSON",
    ],
    [
      "JSON of the wrong shape",
      { awslogs: { data: gzipSync('{"logEvents":3}').toString("base64") } },
      "is not a subscription payload",
    ],
    ["an SNS message that is not JSON", makeSnsEvent("Plain text notification"), "Sns.Message is not JSON"],
    [
      "an SNS message that is other JSON",
      makeSnsEvent({ anomalyId: "x" }),
      "neither a CloudWatch alarm nor a Lambda invocation record (keys: anomalyId)",
    ],
    [
      "an alarm missing fields",
      makeSnsEvent({ AlarmName: "x", NewStateValue: "ALARM" }),
      "not a valid CloudWatch alarm message",
    ],
    [
      "an alarm with an unknown state",
      makeSnsEvent({ ...makeAlarmMessage(cpuAlarm), NewStateValue: "PANIC" }),
      "NewStateValue",
    ],
    [
      "a broken invocation record",
      makeSqsEvent([{ requestContext: { functionArn: "arn" } }]),
      "not a valid invocation record",
    ],
  ])("reports %s as malformed with a clear reason", (_name, event, reason) => {
    const inputs = recogniseEvent(event);

    expect(inputs).toHaveLength(1);
    expect(inputs[0]?.kind).toBe("malformed");
    expect(inputs[0]).toMatchObject({ reason: expect.stringContaining(reason) });
  });

  it("never echoes the content of an unreadable message", () => {
    const [input] = recogniseEvent(makeSnsEvent("password=hunter2 is not json"));

    expect(JSON.stringify(input)).not.toContain("hunter2");
  });
});

describe("decodeLogsSubscription", () => {
  it("refuses a gzip bomb-sized payload instead of exhausting memory", () => {
    const bomb = gzipSync(Buffer.alloc(65 * 1024 * 1024, 32), { level: 1 }).toString("base64");

    const result = decodeLogsSubscription(bomb);

    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("not gzip") });
  });
});
