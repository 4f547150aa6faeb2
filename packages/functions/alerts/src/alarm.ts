import * as z from "zod/mini";

export const AlarmState = z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]);
export type AlarmState = z.infer<typeof AlarmState>;

/** Dimensions in the SNS message are lower-case `{ name, value }`, unlike the API's `{ Name, Value }`. */
const Dimension = z.object({ name: z.string(), value: z.string() });
export type AlarmDimension = z.infer<typeof Dimension>;

const MetricStat = z.object({
  Metric: z.object({
    MetricName: z.string(),
    Namespace: z.string(),
    Dimensions: z._default(z.array(Dimension), []),
  }),
  Period: z.number(),
  Stat: z.string(),
  Unit: z.nullish(z.string()),
});

/** One entry of `Trigger.Metrics` in a metric-math alarm: a metric (`MetricStat`) or an `Expression`. */
const MetricQuery = z.object({
  Id: z.string(),
  Label: z.nullish(z.string()),
  Expression: z.nullish(z.string()),
  MetricStat: z.nullish(MetricStat),
  ReturnData: z.nullish(z.boolean()),
});
export type AlarmMetricQuery = z.infer<typeof MetricQuery>;

const Trigger = z
  .object({
    MetricName: z.nullish(z.string()),
    Namespace: z.nullish(z.string()),
    StatisticType: z.nullish(z.string()),
    /** Upper-case in the SNS message: `AVERAGE`, `SUM`, `SAMPLE_COUNT`… */
    Statistic: z.nullish(z.string()),
    ExtendedStatistic: z.nullish(z.string()),
    Unit: z.nullish(z.string()),
    Dimensions: z.nullish(z.array(Dimension)),
    Metrics: z.nullish(z.array(MetricQuery)),
    Period: z.nullish(z.number()),
    EvaluationPeriods: z.nullish(z.number()),
    DatapointsToAlarm: z.nullish(z.number()),
    ComparisonOperator: z.string(),
    Threshold: z.nullish(z.number()),
    ThresholdMetricId: z.nullish(z.string()),
    TreatMissingData: z.nullish(z.string()),
    EvaluateLowSampleCountPercentile: z.nullish(z.string()),
  })
  .check(
    z.refine((t) => Boolean((t.MetricName && t.Namespace) || (t.Metrics && t.Metrics.length > 0)), {
      message: "needs MetricName and Namespace, or Metrics[] for a metric-math alarm",
    }),
  );
export type AlarmTrigger = z.infer<typeof Trigger>;

/**
 * The JSON CloudWatch publishes to SNS when an alarm changes state (`Sns.Message`). `Region` is the long
 * name ("EU (Ireland)"), so the region code for console links comes from `AlarmArn`. Composite alarms
 * carry `AlarmRule` instead of `Trigger`.
 */
export const AlarmMessage = z
  .object({
    AlarmName: z.string().check(z.minLength(1)),
    AlarmDescription: z.nullish(z.string()),
    AWSAccountId: z.string(),
    AlarmConfigurationUpdatedTimestamp: z.nullish(z.string()),
    NewStateValue: AlarmState,
    OldStateValue: AlarmState,
    NewStateReason: z.string(),
    StateChangeTime: z.string(),
    Region: z.string(),
    AlarmArn: z.nullish(z.string()),
    OKActions: z.nullish(z.array(z.string())),
    AlarmActions: z.nullish(z.array(z.string())),
    InsufficientDataActions: z.nullish(z.array(z.string())),
    Trigger: z.nullish(Trigger),
    AlarmRule: z.nullish(z.string()),
  })
  .check(
    z.refine((m) => Boolean(m.Trigger || m.AlarmRule), {
      message: "needs Trigger (metric alarm) or AlarmRule (composite)",
    }),
  );
export type AlarmMessage = z.infer<typeof AlarmMessage>;

/** Cheap shape test before full validation, so "not an alarm" and "a broken alarm" get different reasons. */
export const looksLikeAlarm = (value: Record<string, unknown>) =>
  "AlarmName" in value && "NewStateValue" in value;
