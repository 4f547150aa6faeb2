import { type CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { AlertsLog, LogLine } from "../ports.js";

/** Enough pages for a busy minute of one function's logs; the smoke test polls again anyway. */
const MAX_PAGES = 5;

/**
 * The alerts function's log group through FilterLogEvents. The stack's functions log JSON (NodeFunction's
 * `logFormat: "JSON"`), so errors are found with a JSON filter on `level`
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html).
 */
export const createCloudWatchAlertsLog = (client: CloudWatchLogsClient, logGroupName: string): AlertsLog => {
  const filter = async (since: number, filterPattern: string): Promise<LogLine[]> => {
    const lines: LogLine[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await client.send(
        new FilterLogEventsCommand({ logGroupName, startTime: since, filterPattern, nextToken }),
      );
      for (const event of out.events ?? [])
        if (event.message !== undefined)
          lines.push({ timestamp: event.timestamp ?? 0, message: event.message });
      nextToken = out.nextToken;
      if (!nextToken) break;
    }
    return lines;
  };
  return {
    describe: `CloudWatch Logs ${logGroupName}`,
    // A quoted term matches it exactly, hyphens included.
    find: (since, term) => filter(since, JSON.stringify(term)),
    errors: (since) => filter(since, '{ $.level = "ERROR" }'),
  };
};
