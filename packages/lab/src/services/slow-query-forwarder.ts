import { encodeLogsSubscription, groupPostgresLogLines, rdsLogGroup } from "@lambda-lab/testing";

/**
 * The CloudWatch Logs side of RDS: PostgreSQL log lines are grouped into records (a statement's continuation
 * lines belong to it), filtered like the stack's subscription filter (slow statements carry `duration:`) and
 * delivered in batches, base64(gzip(JSON)), as the subscription delivers them to the alerts function.
 */
export const createSlowQueryForwarder = (options: {
  instanceId: string;
  accountId: string;
  /** How long lines are collected before one delivery (CloudWatch batches for about a second or more). */
  batchMs?: number;
  deliver: (event: unknown) => void;
}) => {
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const logGroup = rdsLogGroup(options.instanceId, "postgresql");
  const flush = () => {
    timer = undefined;
    const records = groupPostgresLogLines(pending);
    pending = [];
    // Keep a slow statement and the DETAIL record (its parameters) that may follow it.
    const kept = records.filter(
      (record, i) =>
        record.includes(" duration: ") ||
        (/DETAIL: {2}/.test(record) && records[i - 1]?.includes(" duration: ")),
    );
    if (kept.length === 0) return;
    options.deliver(
      encodeLogsSubscription({
        logGroup,
        logStream: options.instanceId,
        owner: options.accountId,
        subscriptionFilters: ["slow-queries"],
        logEvents: kept.map((message) => ({ message, timestamp: Date.now() })),
      }),
    );
  };
  return {
    logGroup,
    push(line: string) {
      pending.push(line);
      timer ??= setTimeout(flush, options.batchMs ?? 1_000);
    },
    stop() {
      clearTimeout(timer);
    },
  };
};
