import { readFile } from "node:fs/promises";
import { makeSnsEvent } from "@lambda-lab/testing";
import * as z from "zod";
import type { AlarmPublisher, AlertsLog, FunctionInvoker, LogLine, SecretSource } from "../ports.js";

/**
 * The lab's stand-ins for the AWS services the lab does not emulate (SSM, SNS, CloudWatch Logs). Each does
 * what the AWS service would do for the smoke test, through the lab's documented API and files.
 */

/** `.lab/secrets.json`: the upload token secret the lab generated and gave its upload function. */
export const labSecretFile = (path: string): SecretSource => ({
  describe: path,
  async read() {
    const parsed = z
      .object({ uploadTokenSecret: z.string().min(32) })
      .safeParse(JSON.parse(await readFile(path, "utf8")));
    if (!parsed.success) throw new Error(`${path} has no uploadTokenSecret of at least 32 characters`);
    return parsed.data.uploadTokenSecret;
  },
});

/**
 * SNS invokes a subscribed function asynchronously with one record per message; the lab's Invoke API does
 * the same with an `Event` invocation of the SNS event (the alerts package builds it as SNS delivers it).
 */
export const labAlarmPublisher = (
  invoker: FunctionInvoker,
  alertsFunctionName: string,
  topicArn: string,
): AlarmPublisher => ({
  describe: `${alertsFunctionName} (async invoke, as SNS delivers ${topicArn})`,
  async publish(message, subject) {
    const event = makeSnsEvent(message, { topicArn, subject });
    await invoker.invokeAsync(alertsFunctionName, event);
    return { messageId: event.Records[0]!.Sns.MessageId };
  },
});

const InvocationRecords = z.array(
  z.looseObject({
    requestId: z.string(),
    status: z.string(),
    body: z.string(),
    logs: z.array(z.string()),
    startedAt: z.number(),
  }),
);

/**
 * The lab keeps each invocation's log lines (`GET /api/invocations?function=<id>`); this searches them as
 * FilterLogEvents searches a log group. A failed invocation whose lines hold no ERROR gets one with its
 * error body, as Lambda's runtime writes one for an invocation that fails.
 */
export const labAlertsLog = (
  labApiUrl: string,
  functionId: string,
  fetchImpl: typeof fetch = fetch,
): AlertsLog => {
  const lines = async (since: number): Promise<LogLine[]> => {
    const url = `${labApiUrl}/invocations?function=${encodeURIComponent(functionId)}&limit=500`;
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    const records = InvocationRecords.parse(await response.json());
    return records
      .filter((r) => r.startedAt >= since)
      .flatMap((r) => {
        const own = r.logs.map((message) => ({ timestamp: r.startedAt, message, requestId: r.requestId }));
        const hasError = r.logs.some((l) => /\tERROR\t|"level":"ERROR"/.test(l));
        return r.status === "success" || hasError
          ? own
          : [
              ...own,
              {
                timestamp: r.startedAt,
                requestId: r.requestId,
                message: JSON.stringify({ level: "ERROR", message: r.body }),
              },
            ];
      });
  };
  return {
    describe: `${labApiUrl}/invocations?function=${functionId}`,
    find: async (since, term) => (await lines(since)).filter((l) => l.message.includes(term)),
    errors: async (since) => (await lines(since)).filter((l) => /\tERROR\t|"level":"ERROR"/i.test(l.message)),
  };
};
