/**
 * Parse + normalise + format throughput for 1,000 RDS PostgreSQL slow-query log events, against a naive
 * regex-per-line baseline (match the duration line, blank quoted strings and numbers with two regexes,
 * format one message per line). Run: `pnpm --filter @lambda-lab/alerts bench`.
 */
import { performance } from "node:perf_hooks";
import { formatSlowQueries } from "../src/slack/slow-query-message.js";
import { groupSlowQueries } from "../src/slow-query/group.js";
import { parsePostgresLog } from "../src/slow-query/postgres-log.js";

const LINES = 1_000;
const ROUNDS = 30;
const LOG_GROUP = "/aws/rds/instance/lab-dev/postgresql";

/** A deterministic mix like the lab's: simple statements with literals, parameterised executes, multi-line SQL. */
const makeLines = (): string[] => {
  const lines: string[] = [];
  for (let i = 0; lines.length < LINES; i++) {
    const prefix = `2026-11-25 17:03:${String(i % 60).padStart(2, "0")} UTC:10.0.1.${i % 7}(5${i % 9}000):app@lab:[${4000 + (i % 13)}]:`;
    const ms = (50 + ((i * 37) % 3000) + (i % 1000) / 1000).toFixed(3);
    switch (i % 5) {
      case 0:
        lines.push(
          `${prefix}LOG:  duration: ${ms} ms  statement: select * from images where owner = 'secret-${i}' and size > ${i * 10}`,
        );
        break;
      case 1:
        lines.push(
          `${prefix}LOG:  duration: ${ms} ms  execute <unnamed>: select id, key from images where key = $1 and owner = $2`,
        );
        lines.push(`${prefix}DETAIL:  Parameters: $1 = 'uploads/secret-${i}.jpg', $2 = 'u${i}'`);
        break;
      case 2:
        lines.push(
          `${prefix}LOG:  duration: ${ms} ms  statement: update images set tags = E'it\\'s secret-${i}' where id in (${i}, ${i + 1}, ${i + 2})`,
        );
        break;
      case 3:
        lines.push(
          `${prefix}LOG:  duration: ${ms} ms  statement: select count(*) from images where note = $q$owner's secret-${i}$q$\n\tand size > ${i}`,
        );
        break;
      default:
        lines.push(`${prefix}LOG:  duration: ${ms} ms  statement: select pg_sleep(0.${(i % 9) + 1})`);
    }
  }
  return lines.slice(0, LINES);
};

const ours = (messages: string[]) => {
  const parsed = parsePostgresLog(messages);
  const groups = groupSlowQueries(parsed.queries, LOG_GROUP).map((g) => ({ ...g, earlierRepeats: 0 }));
  const message = formatSlowQueries({
    logGroup: LOG_GROUP,
    source: { kind: "postgresql", resourceId: "lab-dev", resourceType: "instance" },
    region: "eu-west-1",
    groups,
    repeatedExecutions: 0,
    statementMaxChars: 500,
    dedupWindowSeconds: 300,
  });
  return [JSON.stringify(message)];
};

const naive = (messages: string[]) => {
  const out: string[] = [];
  for (const message of messages) {
    const match = /duration: ([\d.]+) ms\s+(?:statement|execute [^:]*): (.*)/.exec(message);
    if (!match) continue;
    const statement = (match[2] ?? "").replace(/'[^']*'/g, "?").replace(/\b\d+(\.\d+)?\b/g, "?");
    out.push(
      JSON.stringify({
        text: `Slow query ${match[1]} ms`,
        blocks: [{ type: "section", text: { type: "mrkdwn", text: statement } }],
      }),
    );
  }
  return out;
};

const measure = (name: string, run: (messages: string[]) => string[], messages: string[]) => {
  for (let i = 0; i < 5; i++) run(messages); // warm-up: JIT and regex compilation
  const times: number[] = [];
  let output: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    output = run(messages);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  return {
    approach: name,
    "ms / 1,000 lines (median)": median.toFixed(2),
    "lines / s": Math.round((messages.length / median) * 1000).toLocaleString("en-US"),
    "Slack messages": output.length,
    "bytes posted": output.reduce((sum, m) => sum + m.length, 0).toLocaleString("en-US"),
    "outputs leaking a literal": output.filter((m) => m.includes("secret")).length,
  };
};

const messages = makeLines();
console.log(
  `${LINES} RDS PostgreSQL log events (${messages.filter((m) => m.includes("DETAIL")).length} DETAIL lines), ${ROUNDS} rounds each\n`,
);
console.table([
  measure("naive regex per line (baseline)", naive, messages),
  measure("alerts: tokenizer + group + Block Kit", ours, messages),
]);
