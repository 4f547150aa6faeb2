import { awsCredentialsOf, createLogger, createParameterReader } from "@lambda-lab/shared";
import type { Context } from "aws-lambda";
import { loadEnv } from "./env.js";
import { configFromEnv, makeHandler } from "./handler.js";
import { createRepeatWindow } from "./repeat-window.js";
import { createSlackWebhook } from "./slack/webhook.js";
import { ssmWebhookUrl, staticWebhookUrl } from "./webhook-url.js";

const env = loadEnv();
const logger = createLogger("alerts");
// No I/O here: the SSM read happens on the first message and is cached for the container's life. It goes
// over SSM's JSON API signed with aws4fetch: the SDK's SSMClient was two thirds of this function's cold start.
const webhookUrl =
  env.webhook.source === "url"
    ? staticWebhookUrl(env.webhook.url)
    : ssmWebhookUrl(
        createParameterReader({
          region: env.AWS_REGION,
          credentials: awsCredentialsOf(env),
          endpoint: env.AWS_ENDPOINT_URL_SSM,
        }),
        env.webhook.name,
      );

const handle = makeHandler(
  {
    slack: createSlackWebhook({
      url: webhookUrl,
      maxAttempts: env.SLACK_MAX_ATTEMPTS,
      minIntervalMs: env.SLACK_MIN_INTERVAL_MS,
      log: logger,
    }),
    repeats: createRepeatWindow(env.DEDUP_WINDOW_SECONDS * 1000),
    log: logger,
    now: Date.now,
  },
  configFromEnv(env),
);

export const handler = async (event: unknown, context: Context) => {
  logger.addContext(context);
  return handle(event, context);
};
