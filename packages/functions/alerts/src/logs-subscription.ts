import { gunzipSync } from "node:zlib";
import { IN_ENGLISH } from "@lambda-lab/shared";
import type { CloudWatchLogsDecodedData } from "aws-lambda";
import * as z from "zod/mini";

/** The JSON inside `awslogs.data`, per the CloudWatch Logs subscription-filter documentation. */
export const LogsSubscriptionPayload = z.object({
  messageType: z.enum(["DATA_MESSAGE", "CONTROL_MESSAGE"]),
  owner: z.string(),
  logGroup: z.string(),
  logStream: z.string(),
  subscriptionFilters: z.array(z.string()),
  logEvents: z.array(z.object({ id: z.string(), timestamp: z.number(), message: z.string() })),
});
export type LogsSubscriptionPayload = z.infer<typeof LogsSubscriptionPayload>;

// Type-level check that the schema stays in step with @types/aws-lambda's decoded shape.
const _compatible = (payload: LogsSubscriptionPayload): CloudWatchLogsDecodedData => payload;
void _compatible;

/** A subscription payload decompresses to at most a few MB; the cap stops a gzip bomb, not real data. */
const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export type DecodeResult = { ok: true; payload: LogsSubscriptionPayload } | { ok: false; reason: string };

const describeIssues = (error: z.core.$ZodError) =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");

/** `awslogs.data` → payload: base64, then gzip, then JSON, then the documented shape; each failure named. */
export const decodeLogsSubscription = (data: string): DecodeResult => {
  const compact = data.replace(/\s+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) {
    return { ok: false, reason: `awslogs.data is not base64 (${data.length} characters)` };
  }
  let json: string;
  try {
    json = gunzipSync(Buffer.from(compact, "base64"), { maxOutputLength: MAX_DECOMPRESSED_BYTES }).toString(
      "utf8",
    );
  } catch (error) {
    return { ok: false, reason: `awslogs.data is not gzip: ${(error as Error).message}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, reason: `awslogs.data does not hold JSON (${json.length} characters after gunzip)` };
  }
  const parsed = LogsSubscriptionPayload.safeParse(value, IN_ENGLISH);
  if (!parsed.success) {
    return {
      ok: false,
      reason: `awslogs.data is not a subscription payload: ${describeIssues(parsed.error)}`,
    };
  }
  return { ok: true, payload: parsed.data };
};

export type RdsLogKind = "postgresql" | "mysql-slowquery";

export interface RdsLogSource {
  kind: RdsLogKind;
  /** The DB instance or cluster identifier. */
  resourceId: string;
  resourceType: "instance" | "cluster";
}

/** RDS publishes to `/aws/rds/{instance|cluster}/<id>/<log>`; only the PostgreSQL log and MySQL slow log are read. */
export const rdsLogSource = (logGroup: string): RdsLogSource | undefined => {
  const match = /^\/aws\/rds\/(instance|cluster)\/([^/]+)\/(postgresql|slowquery)$/.exec(logGroup);
  if (!match) return undefined;
  return {
    kind: match[3] === "postgresql" ? "postgresql" : "mysql-slowquery",
    resourceId: match[2] as string,
    resourceType: match[1] as RdsLogSource["resourceType"],
  };
};
