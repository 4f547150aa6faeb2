import { AwsRuntimeEnv, parseEnv, wholeNumber } from "@lambda-lab/shared";
import * as z from "zod/mini";

const int = (min: number, max: number, fallback: number) => z._default(wholeNumber({ min, max }), fallback);

const WebhookUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/**
 * The webhook is a secret: the cloud passes the name of an SSM SecureString (read once per cold start),
 * the local lab passes its sink's URL directly. Exactly one of the two must be set.
 */
export const AlertsEnv = z.pipe(
  z
    .object({
      SLACK_WEBHOOK_URL: z.optional(WebhookUrl),
      SLACK_WEBHOOK_PARAMETER: z.optional(z.string().check(z.minLength(1))),
      /** Provided by Lambda; console links fall back to it when the event carries no ARN. */
      AWS_REGION: z
        .string()
        .check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be a region code such as eu-west-1")),
      /** Set by Lambda from the function's role: they sign the SSM read, and are checked when it is made. */
      AWS_ACCESS_KEY_ID: AwsRuntimeEnv.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: AwsRuntimeEnv.AWS_SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: AwsRuntimeEnv.AWS_SESSION_TOKEN,
      /**
       * The page Slack cards link to instead of the AWS console: the local lab sets its page's URL, so an
       * invocation or alarm opens there. Unset in the cloud (the console, in the event's region).
       */
      CONSOLE_BASE_URL: z.optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })),
      /** A local SSM stand-in (the SDK's service-specific endpoint variable); unset in AWS. */
      AWS_ENDPOINT_URL_SSM: z.optional(z.url({ protocol: /^https?$/ })),
      /**
       * A normalised slow query seen again within this window is counted, not re-posted. 0 disables. No default:
       * the stack always sets it (alertsDedupWindowSeconds), so its default is the only one.
       */
      DEDUP_WINDOW_SECONDS: wholeNumber({ min: 0, max: 86_400 }),
      /** Normalised statements are cut to this length in Slack (Slack sections hold 3,000 characters). */
      STATEMENT_MAX_CHARS: int(40, 2_500, 500),
      SLACK_MAX_ATTEMPTS: int(1, 10, 4),
      /** Slack accepts about one message per second per webhook. */
      SLACK_MIN_INTERVAL_MS: int(0, 60_000, 1_000),
    })
    .check(
      z.superRefine((env, ctx) => {
        const set = [env.SLACK_WEBHOOK_URL, env.SLACK_WEBHOOK_PARAMETER].filter(
          (v) => v !== undefined,
        ).length;
        if (set !== 1) {
          ctx.addIssue({
            code: "custom",
            message: `set exactly one of SLACK_WEBHOOK_URL or SLACK_WEBHOOK_PARAMETER (${set === 0 ? "neither" : "both"} set)`,
          });
        }
      }),
    ),
  z.transform(({ SLACK_WEBHOOK_URL, SLACK_WEBHOOK_PARAMETER, ...rest }) => ({
    ...rest,
    webhook:
      SLACK_WEBHOOK_URL !== undefined
        ? ({ source: "url", url: SLACK_WEBHOOK_URL } as const)
        : ({ source: "parameter", name: SLACK_WEBHOOK_PARAMETER ?? "" } as const),
  })),
);
export type AlertsEnv = z.infer<typeof AlertsEnv>;

/** Validated once per cold start; a bad deployment fails loudly at init, not on the 1000th event. */
export const loadEnv = (source: Record<string, string | undefined> = process.env): AlertsEnv =>
  parseEnv("alerts", AlertsEnv, source);
