/**
 * The alerts function's environment, built from its settings: the one writer of the variables env.ts reads.
 * The Pulumi program and the local lab both call it (values are `pulumi.Input<string>`s there, strings
 * here). No runtime imports: the lab loads it without the function.
 */

export interface AlertsSettings<V = string> {
  /**
   * The cloud passes the name of an SSM SecureString holding the webhook URL (a secret, so never in the
   * configuration); the local lab passes its Slack sink's URL.
   */
  slackWebhook: { parameter: V } | { url: V };
  /** A slow query seen again within this window is counted, not re-posted; 0 disables (the stack's key). */
  dedupWindowSeconds: number;
  /** The page Slack cards link to instead of the AWS console (the local lab's); left out in the cloud. */
  consoleBaseUrl?: V;
}

export const toEnvironment = <V = string>(settings: AlertsSettings<V>): Record<string, V | string> => ({
  ...("parameter" in settings.slackWebhook
    ? { SLACK_WEBHOOK_PARAMETER: settings.slackWebhook.parameter }
    : { SLACK_WEBHOOK_URL: settings.slackWebhook.url }),
  DEDUP_WINDOW_SECONDS: String(settings.dedupWindowSeconds),
  ...(settings.consoleBaseUrl !== undefined ? { CONSOLE_BASE_URL: settings.consoleBaseUrl } : {}),
});
