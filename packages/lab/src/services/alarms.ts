import { ALARM_PERIOD_SECONDS } from "@lambda-lab/infra/emulated";
import { makeAlarmSnsEvent } from "@lambda-lab/testing";
import { alarmReason, evaluationNote } from "./alarm-reason.js";

export type AlarmMetric = "Errors" | "Throttles";

export interface AlarmStatus {
  name: string;
  functionId: string;
  metric: AlarmMetric;
  state: "OK" | "ALARM";
  changedAt: string | undefined;
}

/**
 * The alarms' period when the lab is not told otherwise: the program's (`ALARM_PERIOD_SECONDS`, 300 s), so
 * a card arrives when it would in AWS. Tests pass a short one.
 */
export const DEFAULT_ALARM_PERIOD_MS = ALARM_PERIOD_SECONDS * 1000;

/**
 * The stack's CloudWatch alarms on each function's Errors and Throttles (Sum ≥ 1 per period), evaluated at
 * the end of each period. A state change is published as SNS delivers it to the alerts function.
 */
export const createAlarms = (options: {
  functions: readonly { id: string; functionName: string }[];
  periodMs: number;
  region: string;
  accountId: string;
  publish: (event: unknown) => void;
}) => {
  const alarms = new Map<
    string,
    AlarmStatus & { count: number; functionName: string; firstAt: Date | undefined }
  >();
  // The period being filled: its start is the datapoint's timestamp when it is evaluated.
  let periodStart = new Date();
  for (const fn of options.functions)
    for (const metric of ["Errors", "Throttles"] as const)
      alarms.set(`${fn.id}:${metric}`, {
        name: `${fn.functionName}-${metric.toLowerCase()}`,
        functionId: fn.id,
        functionName: fn.functionName,
        metric,
        state: "OK",
        changedAt: undefined,
        count: 0,
        firstAt: undefined,
      });
  const evaluate = () => {
    const evaluatedAt = new Date();
    const start = periodStart;
    periodStart = evaluatedAt;
    for (const alarm of alarms.values()) {
      const next = alarm.count >= 1 ? "ALARM" : "OK";
      const value = alarm.count;
      const firstAt = alarm.firstAt;
      alarm.count = 0;
      alarm.firstAt = undefined;
      if (next === alarm.state) continue;
      const previous = alarm.state;
      alarm.state = next;
      alarm.changedAt = evaluatedAt.toISOString();
      options.publish(
        makeAlarmSnsEvent({
          name: alarm.name,
          description:
            `${alarm.functionName}: ${alarm.metric} ≥ 1 in ${Math.round(options.periodMs / 1000)} s (local lab). ` +
            evaluationNote({ periodMs: options.periodMs, periodStart: start, evaluatedAt, firstAt }),
          state: next,
          previousState: previous,
          value,
          time: evaluatedAt,
          reason: alarmReason({ value, threshold: 1, state: next, previous, periodStart: start }),
          region: options.region,
          accountId: options.accountId,
          metric: {
            namespace: "AWS/Lambda",
            name: alarm.metric,
            dimensions: { FunctionName: alarm.functionName },
            statistic: "Sum",
            period: Math.max(10, Math.round(options.periodMs / 1000)),
            unit: null,
          },
          threshold: 1,
          comparison: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
        }),
      );
    }
  };
  const timer = setInterval(evaluate, options.periodMs);
  timer.unref();
  return {
    record(functionId: string, metric: AlarmMetric) {
      const alarm = alarms.get(`${functionId}:${metric}`);
      if (!alarm) return;
      alarm.count++;
      alarm.firstAt ??= new Date();
    },
    status: (): AlarmStatus[] =>
      [...alarms.values()].map(({ name, functionId, metric, state, changedAt }) => ({
        name,
        functionId,
        metric,
        state,
        changedAt,
      })),
    /** The period in effect, for the page (the stack's 300 s unless the lab was started with another). */
    periodSeconds: options.periodMs / 1000,
    evaluate,
    stop: () => clearInterval(timer),
  };
};
