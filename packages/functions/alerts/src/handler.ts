import type { Context } from "aws-lambda";
import { type AlertsConfig, type AlertsDeps, type AlertsSummary, deliverAlerts } from "./alerts.js";
import { linksFor } from "./console-links.js";
import type { AlertsEnv } from "./env.js";
import { recogniseEvent } from "./events.js";

export const configFromEnv = (env: AlertsEnv): AlertsConfig => ({
  region: env.AWS_REGION,
  statementMaxChars: env.STATEMENT_MAX_CHARS,
  dedupWindowSeconds: env.DEDUP_WINDOW_SECONDS,
  links: linksFor(env.CONSOLE_BASE_URL),
});

/**
 * One handler for every source: SNS alarm notifications, CloudWatch Logs subscriptions and on-failure
 * destination records (direct or through SQS), told apart by shape. Unreadable input never throws
 * (retrying cannot fix it); a Slack failure does (retrying can).
 */
export const makeHandler =
  (deps: AlertsDeps, config: AlertsConfig) =>
  async (event: unknown, context?: Pick<Context, "getRemainingTimeInMillis">): Promise<AlertsSummary> => {
    const inputs = recogniseEvent(event);
    return deliverAlerts(
      inputs,
      deps,
      config,
      context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {},
    );
  };
