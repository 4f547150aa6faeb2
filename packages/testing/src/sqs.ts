/**
 * SQS → Lambda events as an event source mapping delivers a batch
 * ("Using Lambda with Amazon SQS", docs.aws.amazon.com/lambda/latest/dg/with-sqs.html).
 */
import { createHash } from "node:crypto";
import type { SQSEvent } from "aws-lambda";
import { EXAMPLE_ACCOUNT_ID, EXAMPLE_REGION } from "./aws.js";

/** An SQS → Lambda event, one record per body (objects are JSON-encoded), e.g. from an on-failure queue. */
export const makeSqsEvent = (
  bodies: readonly unknown[],
  queueArn = `arn:aws:sqs:${EXAMPLE_REGION}:${EXAMPLE_ACCOUNT_ID}:on-failure`,
): SQSEvent => ({
  Records: bodies.map((body, index) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return {
      messageId: `059f36b4-87a3-44ab-83d2-${String(index).padStart(12, "0")}`,
      receiptHandle: `AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a-${index}`,
      body: text,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: "1795626197000",
        SenderId: "AROAEXAMPLE:lambda",
        ApproximateFirstReceiveTimestamp: "1795626197001",
      },
      messageAttributes: {},
      // SQS sends the MD5 of the body, as a hex digest, with every message.
      md5OfBody: createHash("md5").update(text).digest("hex"),
      eventSource: "aws:sqs",
      eventSourceARN: queueArn,
      awsRegion: queueArn.split(":")[3] ?? EXAMPLE_REGION,
    };
  }),
});
