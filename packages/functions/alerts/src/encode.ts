/**
 * Builders for the events this function receives, in AWS's documented wire formats. Pure (no I/O, no
 * clock unless no time is given): the tests use them, and the local lab uses them to send slow-query log
 * lines and alarms to the function exactly as CloudWatch would. Exported as `@lambda-lab/alerts/encode`.
 */
import { gzipSync } from "node:zlib";
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent, SNSEvent, SQSEvent } from "aws-lambda";
import type { AlarmMessage, AlarmState } from "./alarm.js";
import type { InvocationRecord } from "./invocation-record.js";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";

// ---------------------------------------------------------------- CloudWatch Logs subscription

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
    owner: input.owner ?? (messageType === "CONTROL_MESSAGE" ? "CloudwatchLogs" : ACCOUNT),
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
 * events of their own (the function counts and skips them).
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

// ---------------------------------------------------------------- CloudWatch alarm via SNS

export type ComparisonOperator =
  | "GreaterThanOrEqualToThreshold"
  | "GreaterThanThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";

export interface MetricInput {
  namespace: string;
  name: string;
  dimensions?: Record<string, string>;
  /** API spelling (`Average`, `SampleCount`) or a percentile (`p99`). */
  statistic?: string;
  period?: number;
  unit?: string | null;
}

export type MetricQueryInput =
  | { id: string; expression: string; label?: string; returnData?: boolean }
  | { id: string; metric: MetricInput; label?: string; returnData?: boolean };

export interface AlarmInput {
  name: string;
  description?: string | null;
  state?: AlarmState;
  previousState?: AlarmState;
  /** Defaults to CloudWatch's own wording for the transition. */
  reason?: string;
  /** The datapoint quoted in the default reason. */
  value?: number;
  time?: Date | string;
  accountId?: string;
  /** Region code, e.g. `eu-west-1`; the message carries its long name too. */
  region?: string;
  /** A single-metric alarm… */
  metric?: MetricInput;
  /** …or a metric-math alarm. */
  metrics?: MetricQueryInput[];
  threshold: number;
  comparison?: ComparisonOperator;
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
  treatMissingData?: string;
}

/** The long names CloudWatch writes into `Region`. */
const REGION_NAMES: Record<string, string> = {
  "us-east-1": "US East (N. Virginia)",
  "us-east-2": "US East (Ohio)",
  "us-west-1": "US West (N. California)",
  "us-west-2": "US West (Oregon)",
  "eu-west-1": "EU (Ireland)",
  "eu-west-2": "EU (London)",
  "eu-west-3": "EU (Paris)",
  "eu-central-1": "EU (Frankfurt)",
  "eu-north-1": "EU (Stockholm)",
  "ap-southeast-1": "Asia Pacific (Singapore)",
  "ap-southeast-2": "Asia Pacific (Sydney)",
  "ap-northeast-1": "Asia Pacific (Tokyo)",
};

const OPERATOR_WORDS: Record<ComparisonOperator, string> = {
  GreaterThanOrEqualToThreshold: "greater than or equal to",
  GreaterThanThreshold: "greater than",
  LessThanThreshold: "less than",
  LessThanOrEqualToThreshold: "less than or equal to",
};

/** CloudWatch prints numbers the Java way: `80.0`, `0.5`. */
const javaDouble = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));

/** `2026-11-25T17:03:17.123+0000`: the SNS message's timestamp format. */
const snsTime = (time: Date) => time.toISOString().replace("Z", "+0000");

/** `25/11/26 17:02:00`: the datapoint time format inside `NewStateReason`. */
const reasonTime = (time: Date) => {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${pad(time.getUTCDate())}/${pad(time.getUTCMonth() + 1)}/${pad(time.getUTCFullYear() % 100)} ` +
    `${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:00`
  );
};

const defaultReason = (input: AlarmInput, state: AlarmState, previous: AlarmState, time: Date) => {
  const evaluations = input.evaluationPeriods ?? 1;
  const datapoints = input.datapointsToAlarm ?? evaluations;
  if (state === "INSUFFICIENT_DATA") {
    return `Insufficient Data: ${evaluations} datapoint${evaluations === 1 ? " was" : "s were"} unknown.`;
  }
  const words = OPERATOR_WORDS[input.comparison ?? "GreaterThanOrEqualToThreshold"];
  const value = input.value ?? (state === "ALARM" ? input.threshold + 1 : 0);
  const datapoint = `[${javaDouble(value)} (${reasonTime(new Date(time.getTime() - 60_000))})]`;
  return (
    `Threshold Crossed: ${datapoints} out of the last ${evaluations} datapoints ${datapoint} was ` +
    `${state === "OK" ? "not " : ""}${words} the threshold (${javaDouble(input.threshold)}) ` +
    `(minimum ${datapoints} datapoint for ${previous} -> ${state} transition).`
  );
};

/** Dimensions are `{ value, name }` in the SNS message. */
const dimensions = (d: Record<string, string> = {}) =>
  Object.entries(d).map(([name, value]) => ({ value, name }));

/** The SNS message's statistic spelling: `Average` → `AVERAGE`, `SampleCount` → `SAMPLE_COUNT`. */
const snsStatistic = (statistic: string) => statistic.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();

/** The JSON CloudWatch publishes to SNS on a state change (single-metric or metric-math alarm). */
export const makeAlarmMessage = (input: AlarmInput): AlarmMessage => {
  const state = input.state ?? "ALARM";
  const previous = input.previousState ?? (state === "ALARM" ? "OK" : "ALARM");
  const time = input.time === undefined ? new Date() : new Date(input.time);
  const region = input.region ?? REGION;
  const accountId = input.accountId ?? ACCOUNT;
  const common = {
    EvaluationPeriods: input.evaluationPeriods ?? 1,
    DatapointsToAlarm: input.datapointsToAlarm ?? input.evaluationPeriods ?? 1,
    ComparisonOperator: input.comparison ?? "GreaterThanOrEqualToThreshold",
    Threshold: input.threshold,
    TreatMissingData: input.treatMissingData ?? "missing",
    EvaluateLowSampleCountPercentile: "",
  };
  let trigger: NonNullable<AlarmMessage["Trigger"]>;
  if (input.metrics) {
    trigger = {
      ...common,
      Metrics: input.metrics.map((q) =>
        "expression" in q
          ? { Expression: q.expression, Id: q.id, Label: q.label ?? q.id, ReturnData: q.returnData ?? true }
          : {
              Id: q.id,
              Label: q.label ?? q.metric.name,
              MetricStat: {
                Metric: {
                  Dimensions: dimensions(q.metric.dimensions),
                  MetricName: q.metric.name,
                  Namespace: q.metric.namespace,
                },
                Period: q.metric.period ?? 60,
                Stat: q.metric.statistic ?? "Sum",
              },
              ReturnData: q.returnData ?? false,
            },
      ),
    };
  } else if (input.metric) {
    const statistic = input.metric.statistic ?? "Average";
    const percentile = /^p\d/.test(statistic);
    trigger = {
      MetricName: input.metric.name,
      Namespace: input.metric.namespace,
      StatisticType: percentile ? "ExtendedStatistic" : "Statistic",
      ...(percentile ? { ExtendedStatistic: statistic } : { Statistic: snsStatistic(statistic) }),
      Unit: input.metric.unit ?? null,
      Dimensions: dimensions(input.metric.dimensions),
      Period: input.metric.period ?? 60,
      ...common,
    };
  } else {
    throw new Error(`alarm ${input.name}: give metric (single-metric alarm) or metrics (metric math)`);
  }
  return {
    AlarmName: input.name,
    AlarmDescription: input.description ?? null,
    AWSAccountId: accountId,
    AlarmConfigurationUpdatedTimestamp: snsTime(new Date(time.getTime() - 86_400_000)),
    NewStateValue: state,
    NewStateReason: input.reason ?? defaultReason(input, state, previous, time),
    StateChangeTime: snsTime(time),
    Region: REGION_NAMES[region] ?? region,
    AlarmArn: `arn:aws:cloudwatch:${region}:${accountId}:alarm:${input.name}`,
    OldStateValue: previous,
    OKActions: [],
    AlarmActions: [`arn:aws:sns:${region}:${accountId}:alarms`],
    InsufficientDataActions: [],
    Trigger: trigger,
  };
};

export interface SnsOptions {
  topicArn?: string;
  subject?: string;
  timestamp?: Date | string;
  messageId?: string;
}

/** An SNS → Lambda event with one record whose `Sns.Message` is `message` (JSON-encoded unless a string). */
export const makeSnsEvent = (message: unknown, options: SnsOptions = {}): SNSEvent => {
  const topicArn = options.topicArn ?? `arn:aws:sns:${REGION}:${ACCOUNT}:alarms`;
  const messageId = options.messageId ?? "95df01b4-ee98-5cb9-9903-4c221d41eb5e";
  return {
    Records: [
      {
        EventVersion: "1.0",
        EventSubscriptionArn: `${topicArn}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
        EventSource: "aws:sns",
        Sns: {
          SignatureVersion: "1",
          Timestamp: new Date(options.timestamp ?? Date.now()).toISOString(),
          Signature: "EXAMPLE",
          SigningCertUrl: "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-example.pem",
          MessageId: messageId,
          Message: typeof message === "string" ? message : JSON.stringify(message),
          MessageAttributes: {},
          Type: "Notification",
          UnsubscribeUrl: `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:example`,
          TopicArn: topicArn,
          Subject: options.subject ?? "",
        },
      },
    ],
  };
};

/** An alarm state change as SNS delivers it to Lambda (Subject as CloudWatch writes it). */
export const makeAlarmSnsEvent = (alarm: AlarmInput | AlarmMessage, options: SnsOptions = {}): SNSEvent => {
  const message = "AlarmName" in alarm ? alarm : makeAlarmMessage(alarm);
  const region = message.AlarmArn?.split(":")[3] ?? REGION;
  return makeSnsEvent(message, {
    subject: `${message.NewStateValue}: "${message.AlarmName}" in ${message.Region}`.slice(0, 100),
    topicArn: `arn:aws:sns:${region}:${message.AWSAccountId}:alarms`,
    timestamp: new Date(),
    ...options,
  });
};

// ---------------------------------------------------------------- Lambda on-failure destination

export interface InvocationFailureInput {
  /** Function name (an ARN is built in `region`) or a full function ARN. */
  function: string;
  region?: string;
  requestId?: string;
  condition?: "RetriesExhausted" | "EventAgeExceeded" | string;
  attempts?: number;
  requestPayload: unknown;
  errorType?: string;
  errorMessage?: string;
  timestamp?: Date | string;
}

/** The asynchronous invocation record Lambda sends to an on-failure destination. */
export const makeInvocationFailureRecord = (input: InvocationFailureInput): InvocationRecord => {
  const region = input.region ?? REGION;
  const functionArn = input.function.startsWith("arn:")
    ? input.function
    : `arn:aws:lambda:${region}:${ACCOUNT}:function:${input.function}:$LATEST`;
  const requestId = input.requestId ?? "e4b46cbf-b738-4c1a-8880-a18cdf61200e";
  return {
    version: "1.0",
    timestamp: new Date(input.timestamp ?? Date.now()).toISOString(),
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

/** An SQS → Lambda event, one record per body (objects are JSON-encoded), as from the on-failure queue. */
export const makeSqsEvent = (
  bodies: readonly unknown[],
  queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:on-failure`,
): SQSEvent => ({
  Records: bodies.map((body, index) => ({
    messageId: `059f36b4-87a3-44ab-83d2-${String(index).padStart(12, "0")}`,
    receiptHandle: `AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a-${index}`,
    body: typeof body === "string" ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "1795626197000",
      SenderId: "AROAEXAMPLE:lambda",
      ApproximateFirstReceiveTimestamp: "1795626197001",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(":")[3] ?? REGION,
  })),
});

/** An S3 ObjectCreated event (keys URL-encoded, spaces as `+`), e.g. the payload of a failed transform. */
export const makeS3ObjectCreatedEvent = (bucket: string, key: string, region = REGION) => ({
  Records: [
    {
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: region,
      eventTime: "2026-11-25T17:03:17.000Z",
      eventName: "ObjectCreated:Put",
      s3: {
        s3SchemaVersion: "1.0",
        bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
        object: { key: encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/"), size: 1024 },
      },
    },
  ],
});
