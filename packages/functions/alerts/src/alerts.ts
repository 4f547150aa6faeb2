import type { ConsoleLinks } from "./console-links.js";
import type { Input } from "./events.js";
import type { InvocationRecord } from "./invocation-record.js";
import type { Log } from "./log.js";
import { type LogsSubscriptionPayload, rdsLogSource } from "./logs-subscription.js";
import type { RepeatWindow } from "./repeat-window.js";
import { formatAlarm } from "./slack/alarm-message.js";
import type { SlackMessage } from "./slack/block-kit.js";
import { formatInvocationFailures } from "./slack/failure-message.js";
import { formatSlowQueries } from "./slack/slow-query-message.js";
import type { SendOptions, SlackNotifier } from "./slack/webhook.js";
import { groupSlowQueries, type SlowQueryGroup } from "./slow-query/group.js";
import { parseMysqlSlowLog } from "./slow-query/mysql-slow-log.js";
import { parsePostgresLog } from "./slow-query/postgres-log.js";
import { truncateStatement } from "./sql-normalise.js";

export interface AlertsDeps {
  slack: SlackNotifier;
  repeats: RepeatWindow;
  log: Log;
  now: () => number;
}

export interface AlertsConfig {
  /** AWS_REGION: console links when the event carries no ARN. */
  region: string;
  statementMaxChars: number;
  dedupWindowSeconds: number;
  /** Where the cards link: the AWS console unless CONSOLE_BASE_URL names another page (the lab's). */
  links?: ConsoleLinks;
}

/** What one invocation did; also the handler's response. */
export interface AlertsSummary {
  inputs: number;
  messagesSent: number;
  alarms: number;
  slowQueries: number;
  /** Slow executions of statements already posted within the window: counted, not posted. */
  repeatedSlowQueries: number;
  invocationFailures: number;
  ignored: number;
  malformed: number;
}

interface Outgoing {
  kind: "alarm" | "slow-queries" | "invocation-failures";
  message: SlackMessage;
  /** Runs only once Slack accepted the message, so a failed post leaves no trace in the repeat window. */
  onSent?: () => void;
}

const repeatsSummary = (groups: readonly SlowQueryGroup[]) =>
  groups.map((g) => ({
    fingerprint: g.fingerprint,
    count: g.count,
    statement: truncateStatement(g.statement, 120),
  }));

const planSlowQueries = (
  payload: LogsSubscriptionPayload,
  source: NonNullable<ReturnType<typeof rdsLogSource>>,
  deps: AlertsDeps,
  config: AlertsConfig,
  summary: AlertsSummary,
): Outgoing | undefined => {
  const messages = payload.logEvents.map((event) => event.message);
  const parsed = source.kind === "postgresql" ? parsePostgresLog(messages) : parseMysqlSlowLog(messages);
  const groups = groupSlowQueries(parsed.queries, payload.logGroup);
  const now = deps.now();
  const fresh: (SlowQueryGroup & { earlierRepeats: number })[] = [];
  const repeated: SlowQueryGroup[] = [];
  for (const group of groups) {
    const seen = deps.repeats.lookup(group.fingerprint, now);
    if (seen.status === "new") fresh.push({ ...group, earlierRepeats: seen.earlierRepeats });
    else repeated.push(group);
  }
  const repeatedExecutions = repeated.reduce((sum, g) => sum + g.count, 0);
  summary.slowQueries += parsed.queries.length - repeatedExecutions;
  summary.repeatedSlowQueries += repeatedExecutions;
  deps.log.info("RDS log events read", {
    logGroup: payload.logGroup,
    logEvents: payload.logEvents.length,
    slowQueries: parsed.queries.length,
    statements: groups.length,
    otherRecords: parsed.otherRecords,
  });
  const countRepeats = () => {
    for (const group of repeated) deps.repeats.countRepeats(group.fingerprint, group.count);
    if (repeated.length > 0) {
      deps.log.info("slow queries already posted within the window: counted, not posted", {
        windowSeconds: config.dedupWindowSeconds,
        repeats: repeatsSummary(repeated),
      });
    }
  };
  if (fresh.length === 0) {
    countRepeats();
    return undefined;
  }
  return {
    kind: "slow-queries",
    message: formatSlowQueries({
      logGroup: payload.logGroup,
      source,
      region: config.region,
      groups: fresh,
      repeatedExecutions,
      statementMaxChars: config.statementMaxChars,
      dedupWindowSeconds: config.dedupWindowSeconds,
      ...(config.links ? { links: config.links } : {}),
    }),
    onSent: () => {
      for (const group of fresh) deps.repeats.markReported(group.fingerprint, now);
      countRepeats();
    },
  };
};

/**
 * Turns recognised inputs into Slack messages and posts them one after another (the notifier paces them).
 * Malformed input is logged and skipped; a Slack failure is logged and rethrown for Lambda to retry.
 */
export const deliverAlerts = async (
  inputs: readonly Input[],
  deps: AlertsDeps,
  config: AlertsConfig,
  sendOptions: SendOptions = {},
): Promise<AlertsSummary> => {
  const summary: AlertsSummary = {
    inputs: inputs.length,
    messagesSent: 0,
    alarms: 0,
    slowQueries: 0,
    repeatedSlowQueries: 0,
    invocationFailures: 0,
    ignored: 0,
    malformed: 0,
  };
  const outgoing: Outgoing[] = [];
  const failures: InvocationRecord[] = [];

  for (const input of inputs) {
    switch (input.kind) {
      case "malformed":
        summary.malformed++;
        deps.log.error("input not processed: it can never be read, so it is not retried", {
          source: input.source,
          reason: input.reason,
        });
        break;
      case "ignored":
        summary.ignored++;
        deps.log.info("input ignored", { source: input.source, reason: input.reason });
        break;
      case "alarm":
        summary.alarms++;
        outgoing.push({ kind: "alarm", message: formatAlarm(input.alarm, config.region, config.links) });
        break;
      case "invocation-failure":
        summary.invocationFailures++;
        failures.push(input.record);
        break;
      case "logs": {
        const source = rdsLogSource(input.payload.logGroup);
        if (!source) {
          summary.malformed++;
          deps.log.error("input not processed: it can never be read, so it is not retried", {
            source: input.source,
            reason: `log group ${input.payload.logGroup} is not an RDS PostgreSQL log or MySQL slow query log`,
          });
          break;
        }
        const planned = planSlowQueries(input.payload, source, deps, config, summary);
        if (planned) outgoing.push(planned);
        break;
      }
    }
  }
  if (failures.length > 0) {
    outgoing.push({
      kind: "invocation-failures",
      message: formatInvocationFailures(failures, config.region, config.links),
    });
  }

  for (const item of outgoing) {
    try {
      await deps.slack.send(item.message, sendOptions);
    } catch (error) {
      deps.log.error(
        "Slack delivery failed; throwing so Lambda retries and the on-failure destination keeps it",
        {
          kind: item.kind,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          messagesSent: summary.messagesSent,
        },
      );
      throw error;
    }
    item.onSent?.();
    summary.messagesSent++;
    deps.log.info("posted to Slack", { kind: item.kind, text: item.message.text });
  }
  return summary;
};
