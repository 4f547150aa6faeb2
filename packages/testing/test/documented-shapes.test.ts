/**
 * The sources Powertools keeps no schema for are held to AWS's documented examples: the same fields at
 * every level, with values of the same JSON types.
 */
import { SCHEDULER_PLACEHOLDERS, SchedulerContext, schedulerContextInput } from "@lambda-lab/shared";
import { describe, expect, it } from "vitest";
import { makeInvocationFailureRecord, makeS3TestEvent, makeScheduledInput } from "../src/index.js";

/** Each leaf's path and JSON type; arrays and the free-form payloads are compared by type only. */
const shapeOf = (value: unknown, path = "", free: readonly string[] = []): string[] => {
  if (value === null) return [`${path}: null`];
  if (Array.isArray(value)) return [`${path}: array`];
  if (typeof value !== "object" || free.includes(path)) return [`${path}: ${typeof value}`];
  return Object.entries(value)
    .flatMap(([key, child]) => shapeOf(child, path ? `${path}.${key}` : key, free))
    .sort();
};

describe("Lambda destination records", () => {
  // The on-failure record in "Capturing records of Lambda asynchronous invocations"
  // (docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html), payloads abridged.
  const documented = {
    version: "1.0",
    timestamp: "2019-11-14T18:16:05.568Z",
    requestContext: {
      requestId: "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
      functionArn: "arn:aws:lambda:us-east-2:123456789012:function:my-function:$LATEST",
      condition: "RetriesExhausted",
      approximateInvokeCount: 3,
    },
    requestPayload: { ORDER_IDS: ["9e07af03ce31465c9d3e7c5b6cda4ccd"] },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: {
      errorMessage:
        "RequestId: e4b46cbf-b738-xmpl-8880-a18cdf61200e Process exited before completing request",
    },
  };
  const free = ["requestPayload", "responsePayload"];

  it("has the documented on-failure record's fields", () => {
    const record = makeInvocationFailureRecord({
      function: "my-function",
      region: "us-east-2",
      requestPayload: { ORDER_IDS: [] },
    });

    expect(shapeOf(record, "", free)).toEqual(shapeOf(documented, "", free));
    expect(record.requestContext.functionArn).toBe(documented.requestContext.functionArn);
    expect(Number.isNaN(Date.parse(record.timestamp))).toBe(false);
  });

  it("keeps a full function ARN as given", () => {
    const arn = "arn:aws:lambda:eu-west-1:000000000000:function:lambda-lab-dev-transform:$LATEST";

    expect(
      makeInvocationFailureRecord({ function: arn, requestPayload: {} }).requestContext.functionArn,
    ).toBe(arn);
  });
});

describe("S3 test event", () => {
  // The message in "Event message structure"
  // (docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
  const documented = {
    Service: "Amazon S3",
    Event: "s3:TestEvent",
    Time: "2014-10-13T15:57:02.089Z",
    Bucket: "amzn-s3-demo-bucket",
    RequestId: "5582815E1AEA5ADF",
    HostId: "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE",
  };

  it("has the documented fields and no Records", () => {
    const event = makeS3TestEvent("lab-images");

    expect(shapeOf(event)).toEqual(shapeOf(documented));
    expect(event).toMatchObject({ Event: "s3:TestEvent", Bucket: "lab-images" });
  });
});

describe("EventBridge Scheduler input", () => {
  it("fills every context attribute as Scheduler does, into what SchedulerContext accepts", () => {
    const input = JSON.stringify({ scheduler: schedulerContextInput(), dryRun: true });

    const payload = makeScheduledInput(input, { attemptNumber: "2" }) as Record<string, unknown>;

    expect(JSON.stringify(payload)).not.toMatch(/<aws\.scheduler\./);
    expect(SchedulerContext.parse(payload.scheduler)).toMatchObject({ attemptNumber: "2" });
    expect(payload.dryRun).toBe(true);
    expect(Object.keys(SCHEDULER_PLACEHOLDERS).sort()).toEqual(
      Object.keys(payload.scheduler as object).sort(),
    );
  });
});
