import * as z from "zod";

export const AlarmState = z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]);
export type AlarmState = z.infer<typeof AlarmState>;

/** Dimensions in the SNS message are lower-case `{ name, value }`, unlike the API's `{ Name, Value }`. */
const Dimension = z.object({ name: z.string(), value: z.string() });
export type AlarmDimension = z.infer<typeof Dimension>;

const MetricStat = z.object({
  Metric: z.object({
    MetricName: z.string(),
    Namespace: z.string(),
    Dimensions: z.array(Dimension).default([]),
  }),
  Period: z.number(),
  Stat: z.string(),
  Unit: z.string().nullish(),
});

/** One entry of `Trigger.Metrics` in a metric-math alarm: a metric (`MetricStat`) or an `Expression`. */
const MetricQuery = z.object({
  Id: z.string(),
  Label: z.string().nullish(),
  Expression: z.string().nullish(),
  MetricStat: MetricStat.nullish(),
  ReturnData: z.boolean().nullish(),
});
export type AlarmMetricQuery = z.infer<typeof MetricQuery>;

const Trigger = z
  .object({
    MetricName: z.string().nullish(),
    Namespace: z.string().nullish(),
    StatisticType: z.string().nullish(),
    /** Upper-case in the SNS message: `AVERAGE`, `SUM`, `SAMPLE_COUNT`… */
    Statistic: z.string().nullish(),
    ExtendedStatistic: z.string().nullish(),
    Unit: z.string().nullish(),
    Dimensions: z.array(Dimension).nullish(),
    Metrics: z.array(MetricQuery).nullish(),
    Period: z.number().nullish(),
    EvaluationPeriods: z.number().nullish(),
    DatapointsToAlarm: z.number().nullish(),
    ComparisonOperator: z.string(),
    Threshold: z.number().nullish(),
    ThresholdMetricId: z.string().nullish(),
    TreatMissingData: z.string().nullish(),
    EvaluateLowSampleCountPercentile: z.string().nullish(),
  })
  .refine((t) => (t.MetricName && t.Namespace) || (t.Metrics && t.Metrics.length > 0), {
    message: "needs MetricName and Namespace, or Metrics[] for a metric-math alarm",
  });
export type AlarmTrigger = z.infer<typeof Trigger>;

/**
 * The JSON CloudWatch publishes to SNS when an alarm changes state (`Sns.Message`). `Region` is the long
 * name ("EU (Ireland)"), so the region code for console links comes from `AlarmArn`. Composite alarms
 * carry `AlarmRule` instead of `Trigger`.
 */
export const AlarmMessage = z
  .object({
    AlarmName: z.string().min(1),
    AlarmDescription: z.string().nullish(),
    AWSAccountId: z.string(),
    AlarmConfigurationUpdatedTimestamp: z.string().nullish(),
    NewStateValue: AlarmState,
    OldStateValue: AlarmState,
    NewStateReason: z.string(),
    StateChangeTime: z.string(),
    Region: z.string(),
    AlarmArn: z.string().nullish(),
    OKActions: z.array(z.string()).nullish(),
    AlarmActions: z.array(z.string()).nullish(),
    InsufficientDataActions: z.array(z.string()).nullish(),
    Trigger: Trigger.nullish(),
    AlarmRule: z.string().nullish(),
  })
  .refine((m) => m.Trigger || m.AlarmRule, {
    message: "needs Trigger (metric alarm) or AlarmRule (composite)",
  });
export type AlarmMessage = z.infer<typeof AlarmMessage>;

/** Cheap shape test before full validation, so "not an alarm" and "a broken alarm" get different reasons. */
export const looksLikeAlarm = (value: Record<string, unknown>) =>
  "AlarmName" in value && "NewStateValue" in value;
