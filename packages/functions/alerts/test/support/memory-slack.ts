import type { SlackMessage } from "../../src/slack/block-kit.js";
import { SlackDeliveryError, type SlackNotifier } from "../../src/slack/webhook.js";

/** An in-memory notifier: keeps what it accepted; `failNext` makes the next sends throw like an exhausted retry. */
export const createMemorySlack = (): SlackNotifier & {
  sent: SlackMessage[];
  failNext(times?: number): void;
} => {
  const sent: SlackMessage[] = [];
  let failures = 0;
  return {
    sent,
    failNext: (times = 1) => {
      failures += times;
    },
    async send(message) {
      if (failures > 0) {
        failures--;
        throw new SlackDeliveryError(
          "Slack webhook did not accept the message: HTTP 503; gave up after 4 attempt(s)",
          4,
          503,
        );
      }
      sent.push(message);
    },
  };
};
