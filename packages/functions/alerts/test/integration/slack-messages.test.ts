import {
  encodeLogsSubscription,
  makeAlarmSnsEvent,
  makeInvocationFailureRecord,
  makeS3ObjectCreatedEvent,
  rdsLogGroup,
} from "@lambda-lab/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/env.js";
import { toEnvironment } from "../../src/environment.js";
import { configFromEnv, makeHandler } from "../../src/handler.js";
import { createRepeatWindow } from "../../src/repeat-window.js";
import { COLOURS } from "../../src/slack/block-kit.js";
import { createSlackWebhook } from "../../src/slack/webhook.js";
import { ALARM_FAMILIES } from "../support/alarm-families.js";
import { createRecordingLog } from "../support/recording-log.js";
import { type SlackSink, startSlackSink } from "../support/slack-sink.js";

describe("Block Kit messages posted through the handler to a local Slack webhook", () => {
  let sink: SlackSink;
  let handler: ReturnType<typeof makeHandler>;

  beforeAll(async () => {
    sink = await startSlackSink();
    const log = createRecordingLog();
    handler = makeHandler(
      {
        slack: createSlackWebhook({ url: async () => sink.url, maxAttempts: 2, minIntervalMs: 0, log }),
        repeats: createRepeatWindow(300_000),
        log,
        now: Date.now,
      },
      { region: "us-east-1", statementMaxChars: 500, dedupWindowSeconds: 300 },
    );
  });
  afterAll(async () => {
    await sink.stop();
  });
  beforeEach(() => {
    sink.delivered.length = 0;
  });

  it.each(Object.entries(ALARM_FAMILIES))("posts a %s alarm as Block Kit", async (_family, alarm) => {
    const summary = await handler(makeAlarmSnsEvent(alarm));

    expect(summary).toMatchObject({ alarms: 1, messagesSent: 1, malformed: 0 });
    expect(sink.delivered).toHaveLength(1);
    const body = sink.delivered[0]?.body;
    expect(body.attachments[0].color).toBe(COLOURS.alarm);
    expect(body.attachments[0].blocks[0].text.text).toContain(alarm.name);
    expect(body).toMatchSnapshot();
  });

  it("colours recovery green and missing data grey, and says what changed", async () => {
    const base = ALARM_FAMILIES["RDS free storage"]!;

    await handler(makeAlarmSnsEvent({ ...base, state: "OK", previousState: "ALARM", value: 5_368_709_120 }));
    await handler(makeAlarmSnsEvent({ ...base, state: "INSUFFICIENT_DATA", previousState: "OK" }));

    const [ok, unknown] = sink.delivered.map((m) => m.body);
    expect(ok.attachments[0].color).toBe(COLOURS.ok);
    expect(ok.attachments[0].blocks[1].text.text).toContain("ALARM → *OK*");
    expect(unknown.attachments[0].color).toBe(COLOURS.insufficientData);
    expect(unknown.attachments[0].blocks[1].text.text).toContain("OK → *INSUFFICIENT DATA*");
    expect(unknown.attachments[0].blocks[3].text.text).toContain(
      "Insufficient Data: 1 datapoint was unknown.",
    );
    expect(sink.delivered.map((m) => m.body)).toMatchSnapshot();
  });

  it("links the console in the alarm's own region, not the function's", async () => {
    await handler(makeAlarmSnsEvent({ ...ALARM_FAMILIES["Lambda throttles"]!, region: "eu-central-1" }));

    const context = sink.delivered[0]?.body.attachments[0].blocks.at(-1).elements[0].text;
    expect(context).toContain(
      "https://eu-central-1.console.aws.amazon.com/cloudwatch/home?region=eu-central-1#alarmsV2:alarm/lab-dev-upload-throttles",
    );
    expect(context).toContain(
      "https://eu-central-1.console.aws.amazon.com/lambda/home?region=eu-central-1#/functions/lab-dev-upload",
    );
  });

  it("links the lab's page instead of the console when CONSOLE_BASE_URL is set (the local lab)", async () => {
    const env = loadEnv({
      AWS_REGION: "eu-west-1",
      ...toEnvironment({
        slackWebhook: { url: sink.url },
        dedupWindowSeconds: 0,
        consoleBaseUrl: "http://127.0.0.1:5173/",
      }),
    });
    const log = createRecordingLog();
    const lab = makeHandler(
      {
        slack: createSlackWebhook({ url: async () => sink.url, maxAttempts: 1, minIntervalMs: 0, log }),
        repeats: createRepeatWindow(0),
        log,
        now: Date.now,
      },
      configFromEnv(env),
    );
    const requestId = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

    await lab(makeAlarmSnsEvent(ALARM_FAMILIES["Lambda throttles"]!));
    await lab(
      makeInvocationFailureRecord({
        function: "lab-dev-transform",
        requestId,
        requestPayload: makeS3ObjectCreatedEvent("lab-dev-images", "uploads/a.jpg"),
      }),
    );

    const [alarm, failure] = sink.delivered.map((m) => JSON.stringify(m.body));
    expect(alarm).toContain("<http://127.0.0.1:5173/#alarm=lab-dev-upload-throttles|Alarm>");
    expect(failure).toContain(`<http://127.0.0.1:5173/#invocation=${requestId}|Logs for this request>`);
    expect(`${alarm}${failure}`).not.toContain("console.aws.amazon.com");
  });

  it("posts RDS PostgreSQL slow statements as one message", async () => {
    const line = (pid: number, body: string) =>
      `2026-11-25 17:03:17 UTC:10.0.1.23(59400):app@lab:[${pid}]:${body}`;
    const event = encodeLogsSubscription({
      logGroup: rdsLogGroup("lab-dev", "postgresql"),
      timestamp: 1_795_626_197_000,
      logEvents: [
        line(
          11,
          "LOG:  duration: 1234.567 ms  statement: select * from images where owner = 'alice' and size > 1048576",
        ),
        line(
          12,
          "LOG:  duration: 250.25 ms  execute <unnamed>: select id from images where key = $1\n\t  and deleted_at is null",
        ),
        line(12, "DETAIL:  Parameters: $1 = 'uploads/secret.jpg'"),
        line(
          11,
          "LOG:  duration: 980 ms  statement: select * from images where owner = 'bob' and size > 2048",
        ),
        line(13, "LOG:  checkpoint complete: wrote 3 buffers (0.0%)"),
      ],
    });

    const summary = await handler(event);

    expect(summary).toMatchObject({ slowQueries: 3, messagesSent: 1 });
    expect(sink.delivered[0]?.raw).not.toMatch(/alice|bob|secret\.jpg|1048576/);
    expect(sink.delivered[0]?.body.attachments[0].color).toBe(COLOURS.warning);
    expect(sink.delivered[0]?.body).toMatchSnapshot();
  });

  it("posts MySQL slow log entries", async () => {
    const event = encodeLogsSubscription({
      logGroup: rdsLogGroup("lab-dev-mysql", "slowquery"),
      timestamp: 1_795_626_197_000,
      logEvents: [
        [
          "# Time: 2026-11-25T17:03:17.123456Z",
          "# User@Host: lab[lab] @  [10.0.1.23]  Id:    42",
          "# Query_time: 12.000212  Lock_time: 0.000105 Rows_sent: 1  Rows_examined: 4000000",
          "use lab;",
          "SET timestamp=1795626197;",
          "SELECT COUNT(*) FROM images WHERE owner = \"carol\" AND created_at > '2026-01-01';",
        ].join("\n"),
      ],
    });

    await handler(event);

    expect(sink.delivered[0]?.raw).not.toContain("carol");
    expect(sink.delivered[0]?.body).toMatchSnapshot();
  });

  it("posts a failed asynchronous invocation delivered straight from the on-failure destination", async () => {
    const record = makeInvocationFailureRecord({
      function: "lab-dev-transform",
      requestId: "3f1c5a2e-9b7d-4e1a-8c6f-2d4b6a8e0c1f",
      requestPayload: makeS3ObjectCreatedEvent("lab-dev-images", "uploads/holiday photo.heic"),
      errorType: "Error",
      errorMessage:
        "heif: Error while loading plugin: Support for this compression format has not been built in",
      timestamp: "2026-11-25T17:03:17.000Z",
      condition: "RetriesExhausted",
      attempts: 3,
    });

    const summary = await handler(record);

    expect(summary).toMatchObject({ invocationFailures: 1, messagesSent: 1 });
    expect(sink.delivered[0]?.body.attachments[0].color).toBe(COLOURS.alarm);
    expect(sink.delivered[0]?.body).toMatchSnapshot();
  });
});
