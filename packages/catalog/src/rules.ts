/**
 * Rules AWS applies to what the catalog says, checked before anything is planned: S3's one-configuration-per-
 * bucket filter rule, Lambda's limits, and the recursion guard. The catalog's tests run them; so may a tool.
 */
import { CATALOG_IDS, type CatalogId, triggered } from "./derive.js";
import { FUNCTIONS } from "./functions.js";
import type { S3EventName } from "./spec.js";

/** Lambda's limits (Lambda developer guide, "Lambda quotas"; CreateFunction `Description`: 0–256 characters). */
export const LAMBDA_LIMITS = { memoryMb: [128, 10_240], timeoutSeconds: [1, 900], description: 256 } as const;

const eventsOverlap = (a: S3EventName, b: S3EventName): boolean => {
  const family = (e: S3EventName) => e.split(":").slice(0, 2).join(":");
  return a === b || (family(a) === family(b) && (a.endsWith(":*") || b.endsWith(":*")));
};

/**
 * S3 refuses a notification configuration whose entries overlap: same event type, prefixes where one starts
 * the other and suffixes where one ends the other, an empty filter matching everything ("Configuration is
 * ambiguously defined": S3 user guide, "Configuring event notifications using object key name filtering").
 */
export const s3TriggerOverlaps = (): string[] => {
  const entries = triggered("s3").flatMap(({ id, trigger }) =>
    (trigger.suffixes.length === 0 ? [""] : trigger.suffixes).map((suffix) => ({
      id,
      prefix: trigger.prefix,
      suffix,
      events: trigger.events,
    })),
  );
  const problems: string[] = [];
  entries.forEach((a, i) => {
    for (const b of entries.slice(i + 1)) {
      const prefixes = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
      const suffixes = a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix);
      const events = a.events.some((x) => b.events.some((y) => eventsOverlap(x, y)));
      if (prefixes && suffixes && events)
        problems.push(
          `${a.id} (${a.prefix}*${a.suffix}) and ${b.id} (${b.prefix}*${b.suffix}) overlap: S3 refuses the bucket's notification configuration`,
        );
    }
  });
  return problems;
};

/** Key patterns a function may put objects under. */
export const writePatternsOf = (id: CatalogId): string[] =>
  FUNCTIONS[id].s3.objects
    .filter((g) => (g.actions as readonly string[]).includes("s3:PutObject"))
    .flatMap((g) => g.keys);

/** A function whose writes land under its own S3 trigger would invoke itself forever. */
export const recursiveTriggers = (): string[] =>
  triggered("s3").flatMap(({ id, trigger }) =>
    writePatternsOf(id)
      .filter((pattern) => {
        const literal = pattern.split("*")[0] ?? "";
        return literal.startsWith(trigger.prefix) || trigger.prefix.startsWith(literal);
      })
      .map((pattern) => `${id} writes ${pattern} and is triggered by S3 events under ${trigger.prefix}`),
  );

export const limitProblems = (): string[] =>
  CATALOG_IDS.flatMap((id) => {
    const { defaults, description } = FUNCTIONS[id];
    const problems: string[] = [];
    const [minMb, maxMb] = LAMBDA_LIMITS.memoryMb;
    const [minS, maxS] = LAMBDA_LIMITS.timeoutSeconds;
    if (defaults.memoryMb < minMb || defaults.memoryMb > maxMb)
      problems.push(`${id}: memory ${defaults.memoryMb} MB is outside Lambda's ${minMb}–${maxMb}`);
    if (defaults.timeoutSeconds < minS || defaults.timeoutSeconds > maxS)
      problems.push(`${id}: timeout ${defaults.timeoutSeconds} s is outside Lambda's ${minS}–${maxS}`);
    if (description.length > LAMBDA_LIMITS.description)
      problems.push(`${id}: description has ${description.length} characters, Lambda allows 256`);
    return problems;
  });
