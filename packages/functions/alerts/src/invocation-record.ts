import * as z from "zod/mini";

/**
 * The record Lambda sends to an on-failure destination after an asynchronous invocation gives up
 * (`condition`: RetriesExhausted, EventAgeExceeded…). `requestPayload` is the original event — for
 * transform, the S3 event whose image was never processed.
 */
export const InvocationRecord = z.object({
  version: z.string(),
  timestamp: z.string(),
  requestContext: z.object({
    requestId: z.string(),
    functionArn: z.string(),
    condition: z.string(),
    approximateInvokeCount: z.int(),
  }),
  requestPayload: z.unknown(),
  responseContext: z.nullish(
    z.object({
      statusCode: z.nullish(z.number()),
      executedVersion: z.nullish(z.string()),
      functionError: z.nullish(z.string()),
    }),
  ),
  responsePayload: z.unknown(),
});
export type InvocationRecord = z.infer<typeof InvocationRecord>;

export const looksLikeInvocationRecord = (value: Record<string, unknown>) =>
  typeof value.requestContext === "object" &&
  value.requestContext !== null &&
  "functionArn" in value.requestContext;
