/**
 * The invocation record Lambda sends to an asynchronous invocation's destination
 * ("Capturing records of Lambda asynchronous invocations",
 * docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html): the original event as
 * `requestPayload`, the function's error as `responsePayload`.
 */
import { EXAMPLE_ACCOUNT_ID, EXAMPLE_REGION, timeOf } from "./aws.js";

export interface DestinationRecord {
  version: "1.0";
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    /** `Success` on an on-success destination; `RetriesExhausted` or `EventAgeExceeded` on failure. */
    condition: string;
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload: unknown;
}

export interface InvocationFailureInput {
  /** Function name (an ARN is built in `region`) or a full function ARN. */
  function: string;
  region?: string;
  accountId?: string;
  requestId?: string;
  condition?: "RetriesExhausted" | "EventAgeExceeded" | (string & {});
  attempts?: number;
  requestPayload: unknown;
  errorType?: string;
  errorMessage?: string;
  timestamp?: Date | string;
}

/** The record Lambda sends to an on-failure destination once an asynchronous invocation gives up. */
export const makeInvocationFailureRecord = (input: InvocationFailureInput): DestinationRecord => {
  const region = input.region ?? EXAMPLE_REGION;
  const functionArn = input.function.startsWith("arn:")
    ? input.function
    : `arn:aws:lambda:${region}:${input.accountId ?? EXAMPLE_ACCOUNT_ID}:function:${input.function}:$LATEST`;
  const requestId = input.requestId ?? "e4b46cbf-b738-4c1a-8880-a18cdf61200e";
  return {
    version: "1.0",
    timestamp: timeOf(input.timestamp).toISOString(),
    requestContext: {
      requestId,
      functionArn,
      condition: input.condition ?? "RetriesExhausted",
      approximateInvokeCount: input.attempts ?? 3,
    },
    requestPayload: input.requestPayload,
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: {
      errorType: input.errorType ?? "Error",
      errorMessage:
        input.errorMessage ?? `RequestId: ${requestId} Error: Runtime exited with error: exit status 1`,
      trace: [],
    },
  };
};
