/**
 * CloudWatch Logs subscription deliveries: `{ awslogs: { data } }` where data is base64(gzip(JSON))
 * ("Subscription filters with AWS Lambda",
 * docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample), and the
 * way RDS publishes PostgreSQL's log lines into a log group.
 */
import { gzipSync } from "node:zlib";
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from "aws-lambda";
import { EXAMPLE_ACCOUNT_ID } from "./aws.js";

export type LogEventInput = string | { message: string; timestamp?: number; id?: string };

export interface LogsSubscriptionInput {
  logGroup: string;
  logStream?: string;
  owner?: string;
  subscriptionFilters?: string[];
  messageType?: "DATA_MESSAGE" | "CONTROL_MESSAGE";
  logEvents: readonly LogEventInput[];
  /** Timestamp for events given as bare strings (epoch ms); defaults to now. */
  timestamp?: number;
}

/** CloudWatch Logs event ids are 56-digit strings; these are unique within one payload. */
const eventId = (timestamp: number, index: number) =>
  `${String(timestamp).padStart(20, "0")}${String(index).padStart(36, "0")}`;

/** The decoded payload, before gzip and base64. */
export const makeLogsPayload = (input: LogsSubscriptionInput): CloudWatchLogsDecodedData => {
  const timestamp = input.timestamp ?? Date.now();
  const messageType = input.messageType ?? "DATA_MESSAGE";
  return {
    messageType,
    owner: input.owner ?? (messageType === "CONTROL_MESSAGE" ? "CloudwatchLogs" : EXAMPLE_ACCOUNT_ID),
    logGroup: input.logGroup,
    logStream: input.logStream ?? input.logGroup.split("/").at(-2) ?? "stream",
    subscriptionFilters: input.subscriptionFilters ?? ["alerts"],
    logEvents: input.logEvents.map((event, index) => {
      const e = typeof event === "string" ? { message: event } : event;
      const at = e.timestamp ?? timestamp;
      return { id: e.id ?? eventId(at, index), timestamp: at, message: e.message };
    }),
  };
};

/** `{ awslogs: { data } }` where data is base64(gzip(JSON)), as a subscription filter delivers it to Lambda. */
export const encodeLogsPayload = (payload: CloudWatchLogsDecodedData): CloudWatchLogsEvent => ({
  awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString("base64") },
});

/** Log events (e.g. slow-query lines) → the subscription event CloudWatch Logs would invoke the function with. */
export const encodeLogsSubscription = (input: LogsSubscriptionInput): CloudWatchLogsEvent =>
  encodeLogsPayload(makeLogsPayload(input));

/** `/aws/rds/instance/<id>/postgresql` or `/aws/rds/instance/<id>/slowquery`. */
export const rdsLogGroup = (instanceId: string, log: "postgresql" | "slowquery") =>
  `/aws/rds/instance/${instanceId}/${log}`;

const RDS_RECORD_START = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;

/**
 * PostgreSQL server log lines → log event messages as RDS publishes them: a prefixed line starts a record,
 * unprefixed (tab-indented) lines continue the statement above. Lines before the first record stay
 * events of their own (the alerts function counts and skips them).
 */
export const groupPostgresLogLines = (lines: readonly string[]): string[] => {
  const messages: string[] = [];
  let open = false;
  for (const line of lines) {
    if (RDS_RECORD_START.test(line) || !open) {
      messages.push(line);
      open = RDS_RECORD_START.test(line);
    } else {
      messages[messages.length - 1] += `\n${line}`;
    }
  }
  return messages;
};
