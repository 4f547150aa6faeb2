import { IN_ENGLISH } from "@lambda-lab/shared";
import type * as z from "zod/mini";
import { AlarmMessage, looksLikeAlarm } from "./alarm.js";
import { InvocationRecord, looksLikeInvocationRecord } from "./invocation-record.js";
import { decodeLogsSubscription, type LogsSubscriptionPayload } from "./logs-subscription.js";

/** What one event (or one record of a batched event) turned out to be. */
export type Input =
  | { kind: "alarm"; source: string; alarm: AlarmMessage }
  | { kind: "logs"; source: string; payload: LogsSubscriptionPayload }
  | { kind: "invocation-failure"; source: string; record: InvocationRecord }
  /** Well-formed but nothing to report (a CONTROL_MESSAGE, an on-success record). */
  | { kind: "ignored"; source: string; reason: string }
  /** Retrying can never make it readable: logged, never thrown. */
  | { kind: "malformed"; source: string; reason: string };

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const issues = (error: z.core.$ZodError) =>
  error.issues
    .slice(0, 4)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");

const keysOf = (value: Obj) => {
  const keys = Object.keys(value);
  return `${keys.slice(0, 8).join(", ")}${keys.length > 8 ? ", …" : ""}` || "none";
};

/** A parsed JSON document from SNS, SQS or a direct invoke: an alarm, an invocation record, or neither. */
const recogniseDocument = (value: unknown, source: string): Input => {
  if (!isObject(value)) return { kind: "malformed", source, reason: `${source} is JSON but not an object` };
  if (looksLikeAlarm(value)) {
    const parsed = AlarmMessage.safeParse(value, IN_ENGLISH);
    return parsed.success
      ? { kind: "alarm", source, alarm: parsed.data }
      : {
          kind: "malformed",
          source,
          reason: `${source} is not a valid CloudWatch alarm message: ${issues(parsed.error)}`,
        };
  }
  if (looksLikeInvocationRecord(value)) {
    const parsed = InvocationRecord.safeParse(value, IN_ENGLISH);
    if (!parsed.success) {
      return {
        kind: "malformed",
        source,
        reason: `${source} is not a valid invocation record: ${issues(parsed.error)}`,
      };
    }
    return parsed.data.requestContext.condition === "Success"
      ? { kind: "ignored", source, reason: "on-success destination record: nothing failed" }
      : { kind: "invocation-failure", source, record: parsed.data };
  }
  return {
    kind: "malformed",
    source,
    reason: `${source} is neither a CloudWatch alarm nor a Lambda invocation record (keys: ${keysOf(value)})`,
  };
};

/** JSON text carried inside an envelope (SNS Message, SQS body). The text itself is never echoed: it may hold anything. */
const recogniseText = (text: unknown, source: string): Input => {
  if (typeof text !== "string") return { kind: "malformed", source, reason: `${source} is not a string` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "malformed", source, reason: `${source} is not JSON (${text.length} characters)` };
  }
  return recogniseDocument(value, source);
};

const recogniseLogs = (awslogs: unknown): Input => {
  const source = "awslogs";
  if (!isObject(awslogs) || typeof awslogs.data !== "string") {
    return { kind: "malformed", source, reason: "awslogs.data is missing or not a string" };
  }
  const decoded = decodeLogsSubscription(awslogs.data);
  if (!decoded.ok) return { kind: "malformed", source, reason: decoded.reason };
  if (decoded.payload.messageType === "CONTROL_MESSAGE") {
    return { kind: "ignored", source, reason: "CONTROL_MESSAGE (CloudWatch Logs checking the destination)" };
  }
  return { kind: "logs", source: `awslogs ${decoded.payload.logGroup}`, payload: decoded.payload };
};

const recogniseRecord = (record: unknown, index: number): Input => {
  const source = `Records[${index}]`;
  if (!isObject(record)) return { kind: "malformed", source, reason: `${source} is not an object` };
  if (record.EventSource === "aws:sns") {
    const sns = isObject(record.Sns) ? record.Sns : {};
    return recogniseText(sns.Message, `${source}.Sns.Message`);
  }
  if (record.eventSource === "aws:sqs") return recogniseText(record.body, `${source}.body`);
  const origin = record.EventSource ?? record.eventSource;
  return {
    kind: "malformed",
    source,
    reason: `${source} comes from ${typeof origin === "string" ? origin : "an unknown source"}, not SNS or SQS`,
  };
};

/**
 * Recognises the event by shape: `{ awslogs: { data } }` (CloudWatch Logs subscription), `Records[]` from
 * SNS (alarm notifications) or SQS (on-failure destination queue), a bare invocation record (on-failure
 * destination invoking this function directly), or a bare alarm message (handy for `lab invoke`).
 */
export const recogniseEvent = (event: unknown): Input[] => {
  if (!isObject(event)) {
    return [
      {
        kind: "malformed",
        source: "event",
        reason: `event is ${Array.isArray(event) ? "an array" : typeof event}, not an object`,
      },
    ];
  }
  if ("awslogs" in event) return [recogniseLogs(event.awslogs)];
  if ("Records" in event) {
    if (!Array.isArray(event.Records) || event.Records.length === 0) {
      return [{ kind: "malformed", source: "event", reason: "Records is not a non-empty array" }];
    }
    return event.Records.map(recogniseRecord);
  }
  if (looksLikeInvocationRecord(event) || looksLikeAlarm(event)) return [recogniseDocument(event, "event")];
  return [{ kind: "malformed", source: "event", reason: `unknown event shape (keys: ${keysOf(event)})` }];
};
