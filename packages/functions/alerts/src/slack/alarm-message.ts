import type { AlarmDimension, AlarmMessage, AlarmMetricQuery, AlarmState, AlarmTrigger } from "../alarm.js";
import { type ConsoleLinks, consoleLinks, regionFromArn } from "../console-links.js";
import { describeMetric, formatValue, type MetricFamily } from "../metric-family.js";
import {
  COLOURS,
  context,
  cut,
  escapeText,
  fields,
  header,
  link,
  message,
  type SlackMessage,
  section,
} from "./block-kit.js";

const STATE: Record<AlarmState, { label: string; emoji: string; colour: string }> = {
  ALARM: { label: "ALARM", emoji: ":rotating_light:", colour: COLOURS.alarm },
  OK: { label: "OK", emoji: ":white_check_mark:", colour: COLOURS.ok },
  INSUFFICIENT_DATA: {
    label: "INSUFFICIENT DATA",
    emoji: ":grey_question:",
    colour: COLOURS.insufficientData,
  },
};

const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: "≥",
  GreaterThanThreshold: ">",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "≤",
  LessThanLowerOrGreaterThanUpperThreshold: "outside the band",
  LessThanLowerThreshold: "below the band",
  GreaterThanUpperThreshold: "above the band",
};

/** The SNS message spells statistics `SAMPLE_COUNT`; the console and API say `SampleCount`. */
const statisticName = (raw: string) =>
  raw
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");

const dimensionMap = (dimensions: readonly AlarmDimension[] | null | undefined) =>
  Object.fromEntries((dimensions ?? []).map((d) => [d.name, d.value]));

const dimensionText = (dimensions: readonly AlarmDimension[] | null | undefined) =>
  dimensions && dimensions.length > 0 ? dimensions.map((d) => `${d.name}=${d.value}`).join(", ") : "none";

/** `2026-11-25T17:03:17.123+0000` → `2026-11-25 17:03:17 UTC` (the raw text when it does not parse). */
export const formatChangeTime = (raw: string) => {
  const time = new Date(raw.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isNaN(time.getTime()) ? raw : `${time.toISOString().slice(0, 19).replace("T", " ")} UTC`;
};

const seconds = (period: number | null | undefined) => (period ? `${period} s` : "?");

const condition = (
  trigger: AlarmTrigger,
  statistic: string,
  unit: MetricFamily["unit"],
  period = trigger.Period,
) => {
  const operator = OPERATORS[trigger.ComparisonOperator] ?? trigger.ComparisonOperator;
  const threshold =
    trigger.Threshold !== null && trigger.Threshold !== undefined
      ? ` ${formatValue(trigger.Threshold, unit)}`
      : trigger.ThresholdMetricId
        ? ` (band ${trigger.ThresholdMetricId})`
        : "";
  const evaluations = trigger.EvaluationPeriods ?? 1;
  const datapoints = trigger.DatapointsToAlarm ?? evaluations;
  return `${statistic} ${operator}${threshold} in ${datapoints} of ${evaluations} × ${seconds(period)}`;
};

const inputLine = (query: AlarmMetricQuery) => {
  if (query.Expression)
    return `\`${query.Id}\` = ${escapeText(query.Expression)}${query.ReturnData ? " (alarmed)" : ""}`;
  const stat = query.MetricStat;
  if (!stat) return `\`${query.Id}\``;
  return (
    `\`${query.Id}\` = ${escapeText(`${stat.Metric.Namespace} ${stat.Metric.MetricName}`)}` +
    ` (${escapeText(dimensionText(stat.Metric.Dimensions))}) · ${escapeText(stat.Stat)} · ${seconds(stat.Period)}`
  );
};

interface Described {
  family: MetricFamily;
  metricField: string;
  conditionField: string;
  detail: readonly [string, string];
}

const describeTrigger = (
  alarm: AlarmMessage,
  trigger: AlarmTrigger,
  region: string,
  links: ConsoleLinks,
): Described => {
  const where = { region, accountId: alarm.AWSAccountId, links };
  if (trigger.MetricName && trigger.Namespace) {
    const family = describeMetric(
      trigger.Namespace,
      trigger.MetricName,
      dimensionMap(trigger.Dimensions),
      where,
    );
    const statistic = trigger.ExtendedStatistic || statisticName(trigger.Statistic ?? "value");
    return {
      family,
      metricField: escapeText(`${trigger.Namespace} ${trigger.MetricName}`),
      conditionField: escapeText(condition(trigger, statistic, family.unit)),
      detail: ["Dimensions", escapeText(dimensionText(trigger.Dimensions))],
    };
  }
  // Metric math: the alarm watches the query with ReturnData; its inputs say what it is made of.
  const queries = trigger.Metrics ?? [];
  const watched = queries.find((q) => q.ReturnData) ?? queries[0];
  const firstStat = queries.find((q) => q.MetricStat)?.MetricStat;
  const inputs = firstStat
    ? describeMetric(
        firstStat.Metric.Namespace,
        firstStat.Metric.MetricName,
        dimensionMap(firstStat.Metric.Dimensions),
        where,
      )
    : undefined;
  const label = watched?.Label || watched?.Expression || watched?.Id || "expression";
  const family: MetricFamily = {
    title: `${label} (metric math)`,
    unit: /percent|rate|%/i.test(label) ? "percent" : "count",
    ...(inputs?.resource ? { resource: inputs.resource } : {}),
  };
  return {
    family,
    metricField: escapeText(watched?.Expression ? `${watched.Id} = ${watched.Expression}` : label),
    // Metric-math triggers carry no Period of their own; the inputs' period is the evaluation period.
    conditionField: escapeText(condition(trigger, "Value", family.unit, trigger.Period ?? firstStat?.Period)),
    detail: ["Inputs", queries.map(inputLine).join("\n")],
  };
};

/** One CloudWatch alarm state change → one message: what changed, why, the metric, console links. */
export const formatAlarm = (
  alarm: AlarmMessage,
  fallbackRegion: string,
  links: ConsoleLinks = consoleLinks,
): SlackMessage => {
  const state = STATE[alarm.NewStateValue];
  const region = regionFromArn(alarm.AlarmArn) ?? fallbackRegion;
  const described = alarm.Trigger
    ? describeTrigger(alarm, alarm.Trigger, region, links)
    : {
        family: { title: "Composite alarm", unit: "count" as const },
        metricField: "composite",
        conditionField: escapeText(alarm.AlarmRule ?? "?"),
        detail: ["Rule", escapeText(alarm.AlarmRule ?? "?")] as const,
      };
  const { family } = described;
  const transition = `${STATE[alarm.OldStateValue].label} → *${state.label}*`;
  const cards = [
    link(links.alarm(region, alarm.AlarmName), links === consoleLinks ? "Alarm in CloudWatch" : "Alarm"),
  ];
  if (family.resource) cards.push(link(family.resource.url, family.resource.label));

  return message(`${state.label}: ${alarm.AlarmName} — ${family.title}`, state.colour, [
    header(`${state.emoji} ${state.label}: ${alarm.AlarmName}`),
    section(
      `*${escapeText(family.title)}*  ·  ${transition}` +
        (alarm.AlarmDescription ? `\n${escapeText(cut(alarm.AlarmDescription, 1_000))}` : ""),
    ),
    fields([
      ["Metric", described.metricField],
      ["Condition", described.conditionField],
      described.detail,
      ["Changed", formatChangeTime(alarm.StateChangeTime)],
      ["Account", `${escapeText(alarm.AWSAccountId)} · ${escapeText(region)}`],
    ]),
    section(`*Reason*\n${escapeText(cut(alarm.NewStateReason, 1_500))}`),
    context(cards.join("  ·  ")),
  ]);
};
