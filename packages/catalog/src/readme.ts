/**
 * The README's function table, written from the catalog between two markers (`pnpm --filter
 * @lambda-lab/catalog write:readme`); repo-checks fails when the README holds anything else there.
 */
import { CATALOG_IDS, type CatalogId, camelId, FUNCTION_IDS } from "./derive.js";
import { FUNCTIONS } from "./functions.js";
import { LESSONS } from "./lessons.js";
import type { Trigger } from "./spec.js";

export const TABLE_START =
  "<!-- functions:start — written from packages/catalog by `pnpm --filter @lambda-lab/catalog write:readme` -->";
export const TABLE_END = "<!-- functions:end -->";

const code = (s: string) => `\`${s}\``;

const eventsOf = (events: readonly string[]) =>
  [...new Set(events.map((e) => e.replace(/^s3:/, "").replace(/:\*$/, "")))].map(code).join(", ");

/** One trigger in a few words, with the stack key or route that configures it. */
export const describeTrigger = (id: CatalogId, trigger: Trigger): string => {
  switch (trigger.kind) {
    case "http":
      return `HTTP API ${trigger.routes.map(code).join(", ")}`;
    case "s3": {
      const keys =
        trigger.suffixes.length === 0
          ? [`${trigger.prefix}`]
          : trigger.suffixes.map((suffix) => `${trigger.prefix}*${suffix}`);
      return `S3 ${eventsOf(trigger.events)} on ${keys.map(code).join(", ")}`;
    }
    case "schedule":
      return `schedule ${code(trigger.defaultExpression)} in the stack's time zone (${code(`${camelId(id)}Schedule`)})`;
    case "sns":
      return "SNS: every CloudWatch alarm";
    case "logs":
      return "CloudWatch Logs: the database's slow statements";
    case "sqs":
      return "SQS: the other functions' on-failure queues";
    case "deploy":
      return "`pulumi up` (invoked by the program)";
  }
};

/** Lessons every stack function shows are listed once under the table, not on each row. */
const isGeneral = (lesson: (typeof LESSONS)[number]) =>
  FUNCTION_IDS.every((id) => (lesson.functions as readonly string[]).includes(id));

export const renderFunctionTable = (): string => {
  const rows = CATALOG_IDS.map((id) => {
    const spec = FUNCTIONS[id];
    const lessons = LESSONS.filter((l) => !isGeneral(l) && (l.functions as readonly string[]).includes(id));
    const events = spec.sampleEvents.map((e) => code(e.replace(/\.json$/, "")));
    return [
      `[${id}](${spec.package.dir})`,
      spec.triggers.map((t) => describeTrigger(id, t)).join("; "),
      lessons.map((l) => l.title).join("; ") || "—",
      events.join(", ") || "—",
    ];
  });
  const general = LESSONS.filter(isGeneral).map((l) => l.title);
  return [
    "| id | trigger | what it teaches | sample events |",
    "| --- | --- | --- | --- |",
    ...rows.map((cells) => `| ${cells.join(" | ")} |`),
    "",
    `Every function also shows: ${general.join("; ")}. Sample events are in \`packages/lab/events/\`.`,
  ].join("\n");
};

/** The README with its table replaced; throws when a marker is missing, so the writer never guesses. */
export const withFunctionTable = (readme: string): string => {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`README.md lacks the function table markers:\n${TABLE_START}\n${TABLE_END}`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${renderFunctionTable()}\n${readme.slice(end)}`;
};
