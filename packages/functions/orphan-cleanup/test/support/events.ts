/** The envelope an EventBridge rule with a rate()/cron() schedule delivers. */
export const makeScheduledEvent = (overrides: Record<string, unknown> = {}) => ({
  version: "0",
  id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: "2025-06-01T00:05:00Z",
  region: "ap-northeast-2",
  resources: ["arn:aws:events:ap-northeast-2:123456789012:rule/orphan-cleanup"],
  detail: {},
  ...overrides,
});
