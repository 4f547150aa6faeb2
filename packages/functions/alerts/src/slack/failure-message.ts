import { type ConsoleLinks, consoleLinks, regionFromArn } from "../console-links.js";
import type { InvocationRecord } from "../invocation-record.js";
import {
  type Block,
  COLOURS,
  codeBlock,
  context,
  cut,
  divider,
  escapeText,
  fields,
  header,
  link,
  message,
  type SlackMessage,
  section,
} from "./block-kit.js";

/** Records detailed in one message (5 blocks each stays under Slack's 50); the rest are listed by request id. */
export const MAX_DETAILED_RECORDS = 8;

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj => typeof value === "object" && value !== null;

/** `arn:aws:lambda:eu-west-1:123:function:lab-dev-transform:$LATEST` → `lab-dev-transform`. */
export const functionNameFromArn = (arn: string) => arn.split(":")[6] ?? arn;

/** S3 event keys are URL-encoded with `+` for spaces. */
const decodeS3Key = (key: string) => {
  try {
    return decodeURIComponent(key.replace(/\+/g, " "));
  } catch {
    return key;
  }
};

/** What the failed invocation was about: S3 objects when the payload is an S3 or EventBridge S3 event. */
export const describePayload = (payload: unknown): string => {
  if (isObject(payload) && Array.isArray(payload.Records)) {
    const objects = payload.Records.flatMap((r: unknown) => {
      const s3 = isObject(r) && isObject(r.s3) ? r.s3 : undefined;
      const bucket = s3 && isObject(s3.bucket) ? s3.bucket.name : undefined;
      const key = s3 && isObject(s3.object) ? s3.object.key : undefined;
      return typeof bucket === "string" && typeof key === "string"
        ? [`s3://${bucket}/${decodeS3Key(key)}`]
        : [];
    });
    if (objects.length > 0) {
      const shown = objects.slice(0, 5).map((o) => `• \`${escapeText(o)}\``);
      if (objects.length > 5) shown.push(`• …and ${objects.length - 5} more`);
      return shown.join("\n");
    }
  }
  if (isObject(payload) && isObject(payload.detail)) {
    const { bucket, object } = payload.detail;
    if (
      isObject(bucket) &&
      isObject(object) &&
      typeof bucket.name === "string" &&
      typeof object.key === "string"
    ) {
      return `• \`${escapeText(`s3://${bucket.name}/${object.key}`)}\``;
    }
  }
  if (payload === undefined) return "_not included in the record_";
  return codeBlock(cut(JSON.stringify(payload) ?? String(payload), 400));
};

/** `{ errorType, errorMessage }` from the function's response, or whatever it returned. */
const describeError = (record: InvocationRecord) => {
  const response = record.responsePayload;
  if (isObject(response) && typeof response.errorMessage === "string") {
    const type = typeof response.errorType === "string" ? `${response.errorType}: ` : "";
    return codeBlock(cut(`${type}${response.errorMessage}`, 600));
  }
  if (response === undefined || response === null) return "_no response payload_";
  return codeBlock(cut(JSON.stringify(response) ?? String(response), 600));
};

const recordBlocks = (record: InvocationRecord, fallbackRegion: string, links: ConsoleLinks): Block[] => {
  const { requestContext: request, responseContext: response } = record;
  const name = functionNameFromArn(request.functionArn);
  const region = regionFromArn(request.functionArn) ?? fallbackRegion;
  const functionError = response?.functionError ?? "none";
  const status = response?.statusCode ? ` (status ${response.statusCode})` : "";
  return [
    fields([
      ["Function", `\`${escapeText(name)}\` · ${escapeText(response?.executedVersion ?? "?")}`],
      ["Condition", `${escapeText(request.condition)} after ${request.approximateInvokeCount} attempt(s)`],
      ["Error", `${escapeText(functionError)}${status}`],
      ["Request", `\`${escapeText(request.requestId)}\` · ${escapeText(record.timestamp)}`],
    ]),
    section(`*Error*\n${describeError(record)}`),
    section(`*Lost event*\n${describePayload(record.requestPayload)}`),
    context(
      `${link(links.requestLogs(region, `/aws/lambda/${name}`, request.requestId), "Logs for this request")}  ·  ` +
        link(links.lambdaFunction(region, name), `function ${name}`),
    ),
  ];
};

/** Failed asynchronous invocations from one event → one message, so a retry re-sends it whole. */
export const formatInvocationFailures = (
  records: readonly InvocationRecord[],
  fallbackRegion: string,
  links: ConsoleLinks = consoleLinks,
): SlackMessage => {
  const names = [...new Set(records.map((r) => functionNameFromArn(r.requestContext.functionArn)))];
  const title =
    records.length === 1
      ? `Invocation failed: ${names[0]}`
      : `${records.length} invocations failed: ${names.join(", ")}`;
  const detailed = records.slice(0, MAX_DETAILED_RECORDS);
  const rest = records.slice(MAX_DETAILED_RECORDS);
  const blocks: Block[] = [header(`:x: ${title}`)];
  detailed.forEach((record, index) => {
    if (index > 0) blocks.push(divider);
    blocks.push(...recordBlocks(record, fallbackRegion, links));
  });
  if (rest.length > 0) {
    blocks.push(
      context(
        `…and ${rest.length} more: ${rest.map((r) => `\`${escapeText(r.requestContext.requestId)}\``).join(", ")}`,
      ),
    );
  }
  const first = records[0];
  const why = first ? ` (${first.requestContext.condition})` : "";
  return message(`${title}${why}: the event was not processed`, COLOURS.alarm, blocks);
};
