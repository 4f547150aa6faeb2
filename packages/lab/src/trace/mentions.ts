/**
 * What an invocation's event says it is about: the S3 keys it carries (decoded as the functions decode
 * them), the request ids of failed invocations it reports (on-failure records, direct or through SQS), the
 * alarms it announces (SNS), the scheduled time it was fired for (EventBridge Scheduler). The tracer links
 * invocations to objects, failures and alarms by these.
 */
export interface Mentions {
  keys: string[];
  requestIds: string[];
  alarmNames: string[];
  scheduledTime?: string;
}

/** S3 URL-encodes keys in events and writes spaces as "+" (the functions decode them the same way). */
const decodeS3Key = (raw: string): string => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

const parseJson = (text: unknown): unknown => {
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const walk = (value: unknown, out: Mentions, depth: number): void => {
  if (depth > 6 || !isObject(value)) return;
  if (Array.isArray(value.Records))
    for (const record of value.Records) {
      if (!isObject(record)) continue;
      const s3 = record.s3;
      if (isObject(s3) && isObject(s3.object) && typeof s3.object.key === "string")
        out.keys.push(decodeS3Key(s3.object.key));
      if (isObject(record.Sns)) walk(parseJson(record.Sns.Message), out, depth + 1);
      if (typeof record.body === "string") walk(parseJson(record.body), out, depth + 1);
    }
  // An on-failure invocation record: the failed request, and the event it lost.
  if (isObject(value.requestContext) && typeof value.requestContext.requestId === "string") {
    out.requestIds.push(value.requestContext.requestId);
    walk(value.requestPayload, out, depth + 1);
  }
  if (typeof value.AlarmName === "string") out.alarmNames.push(value.AlarmName);
  if (typeof value.scheduledTime === "string") out.scheduledTime = value.scheduledTime;
  else if (value["detail-type"] === "Scheduled Event" && typeof value.time === "string")
    out.scheduledTime = value.time;
};

/**
 * Reads the record's payload (JSON, possibly cut by payloadExcerpt). A cut payload no longer parses: the
 * keys and request ids are then read from its text, which still holds the first records.
 */
export const mentionsOf = (payload: string): Mentions => {
  const out: Mentions = { keys: [], requestIds: [], alarmNames: [] };
  const parsed = parseJson(payload);
  if (parsed !== undefined) walk(parsed, out, 0);
  else {
    for (const m of payload.matchAll(/\\*"key\\*"\s*:\s*\\*"((?:[^"\\]|\\[^"])+?)\\*"/g))
      out.keys.push(decodeS3Key(m[1]!));
    for (const m of payload.matchAll(/\\*"requestId\\*"\s*:\s*\\*"([0-9a-f-]{36})\\*"/gi))
      out.requestIds.push(m[1]!);
    for (const m of payload.matchAll(/\\*"AlarmName\\*"\s*:\s*\\*"([^"\\]+)\\*"/g))
      out.alarmNames.push(m[1]!);
  }
  return {
    ...out,
    keys: [...new Set(out.keys)],
    requestIds: [...new Set(out.requestIds)],
    alarmNames: [...new Set(out.alarmNames)],
  };
};

/** Every request id (a UUID) and alarm name a Slack message's JSON mentions: its links and fields. */
export const slackMentions = (
  payload: unknown,
  known: { requestIds: (id: string) => boolean; alarmNames: (name: string) => boolean },
): { requestIds: string[]; alarmNames: string[] } => {
  const text = JSON.stringify(payload ?? "");
  const requestIds = [
    ...new Set(
      [...text.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi)].map((m) => m[0]),
    ),
  ].filter(known.requestIds);
  const alarmNames = [
    ...new Set([...text.matchAll(/[\w.-]+-(?:errors|throttles)\b/g)].map((m) => m[0])),
  ].filter(known.alarmNames);
  return { requestIds, alarmNames };
};

/** A one-line title of a Slack message (its text, or its first header block). */
export const slackTitle = (payload: unknown): string => {
  if (!isObject(payload)) return "a message";
  if (typeof payload.text === "string" && payload.text) return payload.text;
  const blocks = [
    ...(Array.isArray(payload.blocks) ? payload.blocks : []),
    ...(Array.isArray(payload.attachments)
      ? payload.attachments.flatMap((a) => (isObject(a) && Array.isArray(a.blocks) ? a.blocks : []))
      : []),
  ];
  for (const b of blocks)
    if (isObject(b) && isObject(b.text) && typeof b.text.text === "string") return b.text.text;
  return "a message";
};
