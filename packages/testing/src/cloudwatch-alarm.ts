/**
 * The JSON CloudWatch publishes to an SNS topic when an alarm changes state (single-metric or metric-math),
 * and that message as SNS delivers it to Lambda. Wording and formats follow real notifications: the Java-style
 * numbers, `+0000` timestamps and the region's long name.
 */
import type { SNSEvent } from "aws-lambda";
import { EXAMPLE_ACCOUNT_ID, EXAMPLE_REGION, timeOf } from "./aws.js";
import { makeSnsEvent, type SnsOptions } from "./sns.js";

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

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

/** Dimensions are lower-case `{ value, name }` in the SNS message, unlike the API's `{ Name, Value }`. */
export interface AlarmDimension {
  value: string;
  name: string;
}

export interface AlarmMetricQuery {
  Id: string;
  Label: string;
  Expression?: string;
  MetricStat?: {
    Metric: { Dimensions: AlarmDimension[]; MetricName: string; Namespace: string };
    Period: number;
    Stat: string;
  };
  ReturnData: boolean;
}

export interface AlarmTrigger {
  MetricName?: string;
  Namespace?: string;
  StatisticType?: "Statistic" | "ExtendedStatistic";
  /** Upper-case in the SNS message: `AVERAGE`, `SUM`, `SAMPLE_COUNT`… */
  Statistic?: string;
  ExtendedStatistic?: string;
  Unit?: string | null;
  Dimensions?: AlarmDimension[];
  Period?: number;
  Metrics?: AlarmMetricQuery[];
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  ComparisonOperator: ComparisonOperator;
  Threshold: number;
  TreatMissingData: string;
  EvaluateLowSampleCountPercentile: string;
}

/** `Sns.Message` of an alarm notification, parsed. */
export interface AlarmMessage {
  AlarmName: string;
  AlarmDescription: string | null;
  AWSAccountId: string;
  AlarmConfigurationUpdatedTimestamp: string;
  NewStateValue: AlarmState;
  NewStateReason: string;
  StateChangeTime: string;
  /** The long name ("EU (Ireland)"): the region code is only in `AlarmArn`. */
  Region: string;
  AlarmArn: string;
  OldStateValue: AlarmState;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  Trigger: AlarmTrigger;
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
  "ap-northeast-2": "Asia Pacific (Seoul)",
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

const dimensions = (d: Record<string, string> = {}): AlarmDimension[] =>
  Object.entries(d).map(([name, value]) => ({ value, name }));

/** The SNS message's statistic spelling: `Average` → `AVERAGE`, `SampleCount` → `SAMPLE_COUNT`. */
const snsStatistic = (statistic: string) => statistic.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();

/** The JSON CloudWatch publishes to SNS on a state change (single-metric or metric-math alarm). */
export const makeAlarmMessage = (input: AlarmInput): AlarmMessage => {
  const state = input.state ?? "ALARM";
  const previous = input.previousState ?? (state === "ALARM" ? "OK" : "ALARM");
  const time = timeOf(input.time);
  const region = input.region ?? EXAMPLE_REGION;
  const accountId = input.accountId ?? EXAMPLE_ACCOUNT_ID;
  const common = {
    EvaluationPeriods: input.evaluationPeriods ?? 1,
    DatapointsToAlarm: input.datapointsToAlarm ?? input.evaluationPeriods ?? 1,
    ComparisonOperator: input.comparison ?? "GreaterThanOrEqualToThreshold",
    Threshold: input.threshold,
    TreatMissingData: input.treatMissingData ?? "missing",
    EvaluateLowSampleCountPercentile: "",
  };
  let trigger: AlarmTrigger;
  if (input.metrics) {
    trigger = {
      ...common,
      Metrics: input.metrics.map(
        (q): AlarmMetricQuery =>
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

/** An alarm state change as SNS delivers it to Lambda (Subject as CloudWatch writes it, at most 100 characters). */
export const makeAlarmSnsEvent = (alarm: AlarmInput | AlarmMessage, options: SnsOptions = {}): SNSEvent => {
  const message = "AlarmName" in alarm ? alarm : makeAlarmMessage(alarm);
  const region = message.AlarmArn.split(":")[3] ?? EXAMPLE_REGION;
  return makeSnsEvent(message, {
    subject: `${message.NewStateValue}: "${message.AlarmName}" in ${message.Region}`.slice(0, 100),
    topicArn: `arn:aws:sns:${region}:${message.AWSAccountId}:alarms`,
    timestamp: new Date(),
    ...options,
  });
};
