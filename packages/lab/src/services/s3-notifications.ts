import { randomBytes } from "node:crypto";
import { triggered } from "@lambda-lab/catalog";
import { makeS3Record } from "@lambda-lab/testing/s3";

/**
 * What an S3 port hands over for each object event, whatever produced it (s3rver, a proxy): the neutral
 * record the filter reads. `eventName` is S3's own, without the `s3:` prefix (`ObjectCreated:Put`).
 */
export interface S3ObjectRecord {
  eventName: string;
  key: string;
  size: number;
  eTag: string | null;
  bucket: string;
}

export interface NotificationTarget {
  /** The function the notification invokes (the catalog id). */
  functionId?: string;
  /** The notification's id (the configuration name in the bucket's notification settings). */
  configurationId: string;
  /** Only events whose key starts with this prefix are sent… */
  prefix: string;
  /** …and, when any are given, ends with one of these… */
  suffixes?: readonly string[];
  /** …and whose type is one of these (`s3:ObjectCreated:*` when left out, the catalog's S3 trigger). */
  events?: readonly string[];
}

/** One notification's verdict on one object event, with the reason a learner reads in the trace. */
export interface NotificationDecision {
  functionId: string | undefined;
  configurationId: string;
  prefix: string;
  suffixes: readonly string[];
  events: readonly string[];
  matched: boolean;
  /** Which rule decided: the event type, the prefix, the suffix, or all matched. */
  rule: "event" | "prefix" | "suffix" | "matched";
  reason: string;
}

const DEFAULT_EVENTS = ["s3:ObjectCreated:*"] as const;

/**
 * The bucket's notifications: one per S3 trigger in the catalog (the program's bucket notification is built
 * from the same list), each naming the function it invokes. The lab sends by them; the tracer explains by them.
 */
export const bucketNotifications = (): (NotificationTarget & { functionId: string })[] =>
  triggered("s3").map(({ id, trigger }) => ({
    functionId: id,
    configurationId: `${id}-${trigger.prefix}`,
    prefix: trigger.prefix,
    suffixes: trigger.suffixes,
    events: trigger.events,
  }));

/**
 * `s3:ObjectCreated:*` matches every `ObjectCreated:…` event, a full name only itself (S3 user guide,
 * "Supported event types for SQS, SNS, and Lambda").
 */
const eventMatches = (pattern: string, eventName: string): boolean => {
  const name = `s3:${eventName}`;
  return pattern.endsWith(":*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
};

const wants = (t: { prefix: string; suffixes: readonly string[] }) =>
  t.suffixes.length === 0 ? `${t.prefix}*` : `${t.prefix} + ${t.suffixes.join("|")}`;

/**
 * S3's filter for one notification: the event type, then the key's prefix and suffix, compared as
 * case-sensitive literals on the raw key (S3 user guide, "Configuring event notifications using object key
 * name filtering"; API FilterRule: prefix | suffix). Returns the decision with the rule that made it.
 */
export const decideNotification = (
  record: Pick<S3ObjectRecord, "eventName" | "key">,
  target: NotificationTarget,
): NotificationDecision => {
  const suffixes = target.suffixes ?? [];
  const events = target.events ?? DEFAULT_EVENTS;
  const base = {
    functionId: target.functionId,
    configurationId: target.configurationId,
    prefix: target.prefix,
    suffixes,
    events,
  };
  const who = target.functionId ?? target.configurationId;
  if (!events.some((e) => eventMatches(e, record.eventName)))
    return {
      ...base,
      matched: false,
      rule: "event",
      reason: `${who} listens to ${events.join(", ")}, not s3:${record.eventName}`,
    };
  if (!record.key.startsWith(target.prefix))
    return {
      ...base,
      matched: false,
      rule: "prefix",
      reason: `${who} wants ${wants({ prefix: target.prefix, suffixes })}: the key does not start with ${target.prefix}`,
    };
  if (suffixes.length > 0 && !suffixes.some((s) => record.key.endsWith(s)))
    return {
      ...base,
      matched: false,
      rule: "suffix",
      reason: `${who} wants ${wants({ prefix: target.prefix, suffixes })}: the key ends with none of ${suffixes.join(", ")}`,
    };
  return {
    ...base,
    matched: true,
    rule: "matched",
    reason: `${who} wants ${wants({ prefix: target.prefix, suffixes })}: s3:${record.eventName} on this key matches`,
  };
};

/** Every notification's decision on one record, in the order the targets are given. */
export const decideNotifications = (
  record: Pick<S3ObjectRecord, "eventName" | "key">,
  targets: readonly NotificationTarget[],
): NotificationDecision[] => targets.map((target) => decideNotification(record, target));

/**
 * The records one notification sends, rebuilt as the record S3 delivers to Lambda (API 2.1 shape) by the
 * same builder the tests use (`@lambda-lab/testing/s3`): keys re-encoded as S3 encodes them (s3rver emits
 * raw keys), a fresh request id and sequencer per record as S3 sends. Returns the decisions with it, so a
 * caller (the tracer) can say why a record was not sent.
 */
export const notifyFor = (
  records: readonly S3ObjectRecord[],
  options: { region: string; target: NotificationTarget; now?: Date },
): { notification: { Records: unknown[] } | undefined; decisions: NotificationDecision[] } => {
  const decisions = records.map((r) => decideNotification(r, options.target));
  const sent = records
    .filter((_, i) => decisions[i]?.matched)
    .map((r) =>
      makeS3Record({
        key: r.key,
        bucket: r.bucket,
        etag: r.eTag,
        size: r.size,
        eventName: r.eventName,
        region: options.region,
        eventTime: options.now ?? new Date(),
        configurationId: options.target.configurationId,
        requestId: randomBytes(8).toString("hex").toUpperCase(),
        sequencer: `${Date.now().toString(16).toUpperCase()}${randomBytes(4).toString("hex").toUpperCase()}`,
      }),
    );
  return { notification: sent.length > 0 ? { Records: sent } : undefined, decisions };
};
