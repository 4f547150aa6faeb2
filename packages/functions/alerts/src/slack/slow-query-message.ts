import { type ConsoleLinks, consoleLinks } from "../console-links.js";
import type { RdsLogSource } from "../logs-subscription.js";
import type { SlowQueryGroup } from "../slow-query/group.js";
import { truncateStatement } from "../sql-normalise.js";
import {
  COLOURS,
  codeBlock,
  context,
  escapeText,
  header,
  link,
  message,
  type SlackMessage,
  section,
} from "./block-kit.js";

/** Statements listed in one message; the rest are summed in a closing line (all of them are in the log group). */
export const MAX_LISTED_STATEMENTS = 15;

export interface SlowQueryReport {
  logGroup: string;
  source: RdsLogSource;
  region: string;
  /** Statements to post, slowest first, each with its executions counted since its last post. */
  groups: readonly (SlowQueryGroup & { earlierRepeats: number })[];
  /** Executions in this event of statements posted within the window: counted, not listed. */
  repeatedExecutions: number;
  statementMaxChars: number;
  dedupWindowSeconds: number;
  /** The AWS console unless the deployment names another page (CONSOLE_BASE_URL). */
  links?: ConsoleLinks;
}

const ENGINE = { postgresql: "PostgreSQL", mysql: "MySQL" } as const;

export const formatDuration = (ms: number) =>
  ms >= 10_000
    ? `${(ms / 1000).toLocaleString("en-US", { maximumFractionDigits: 1 })} s`
    : `${ms.toLocaleString("en-US", { maximumFractionDigits: 1 })} ms`;

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

const groupText = (group: SlowQueryReport["groups"][number], maxChars: number) => {
  const timing =
    group.count === 1
      ? `*${formatDuration(group.maxMs)}*`
      : `*${formatDuration(group.maxMs)}* max · ${group.count}× · ${formatDuration(group.totalMs)} total`;
  const who =
    (group.database ? ` · \`${escapeText(group.database)}\`` : "") +
    (group.users.length > 0 ? ` as ${group.users.map((u) => `\`${escapeText(u)}\``).join(", ")}` : "");
  const phases = group.phases.filter((p) => p !== "statement" && p !== "query");
  const notes = [
    ...(group.maxRowsExamined !== undefined ? [`${plural(group.maxRowsExamined, "row")} examined`] : []),
    ...(phases.length > 0 ? [`extended protocol (${phases.join(", ")})`] : []),
    ...(group.parametersWithheld ? ["parameter values withheld"] : []),
  ];
  const repeats =
    group.earlierRepeats > 0
      ? `\n_Also ran ${plural(group.earlierRepeats, "time")} since it was last posted (counted, not re-posted)._`
      : "";
  return (
    `${timing}${who}${notes.length > 0 ? ` · ${notes.join(" · ")}` : ""}\n` +
    `${codeBlock(truncateStatement(group.statement, maxChars))}${repeats}`
  );
};

/** All fresh slow statements of one log event batch → one message. */
export const formatSlowQueries = (report: SlowQueryReport): SlackMessage => {
  const { source, groups, links = consoleLinks } = report;
  const executions = groups.reduce((sum, g) => sum + g.count, 0);
  const slowest = Math.max(...groups.map((g) => g.maxMs));
  const listed = groups.slice(0, MAX_LISTED_STATEMENTS);
  const unlisted = groups.slice(MAX_LISTED_STATEMENTS);
  const summary =
    `${ENGINE[source.kind === "postgresql" ? "postgresql" : "mysql"]} · ${plural(executions, "execution")} of ` +
    `${plural(groups.length, "statement")} · slowest ${formatDuration(slowest)}` +
    (report.repeatedExecutions > 0
      ? ` · ${plural(report.repeatedExecutions, "more execution")} of statements already posted in the last ` +
        `${report.dedupWindowSeconds} s (counted)`
      : "");
  const resourceUrl =
    source.resourceType === "cluster"
      ? links.rdsCluster(report.region, source.resourceId)
      : links.rdsInstance(report.region, source.resourceId);

  return message(
    `Slow queries on ${source.resourceId}: ${plural(executions, "execution")}, slowest ${formatDuration(slowest)}`,
    COLOURS.warning,
    [
      header(`:snail: Slow queries: ${source.resourceId}`),
      context(summary),
      ...listed.map((group) => section(groupText(group, report.statementMaxChars))),
      ...(unlisted.length > 0
        ? [
            context(
              `…and ${plural(unlisted.length, "more statement")} ` +
                `(${plural(
                  unlisted.reduce((sum, g) => sum + g.count, 0),
                  "execution",
                )}), all in the log group.`,
            ),
          ]
        : []),
      context(
        `${link(links.logGroup(report.region, report.logGroup), report.logGroup)}  ·  ` +
          link(resourceUrl, `${source.resourceType} ${source.resourceId}`),
      ),
    ],
  );
};
