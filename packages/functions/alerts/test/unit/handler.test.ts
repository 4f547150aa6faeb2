import {
  encodeLogsSubscription,
  makeAlarmSnsEvent,
  makeInvocationFailureRecord,
  makeS3ObjectCreatedEvent,
  makeSqsEvent,
  rdsLogGroup,
} from "@lambda-lab/testing";
import { describe, expect, it } from "vitest";
import { makeHandler } from "../../src/handler.js";
import { createRepeatWindow } from "../../src/repeat-window.js";
import { ALARM_FAMILIES } from "../support/alarm-families.js";
import { createMemorySlack } from "../support/memory-slack.js";
import { createRecordingLog } from "../support/recording-log.js";

const pgLine = (ms: number, statement: string, pid = 4386) =>
  `2026-11-25 17:03:17 UTC:10.0.1.23(59400):app@lab:[${pid}]:LOG:  duration: ${ms} ms  statement: ${statement}`;
const pgEvent = (...lines: string[]) =>
  encodeLogsSubscription({ logGroup: rdsLogGroup("lab-dev", "postgresql"), logEvents: lines });

const setup = (windowSeconds = 300) => {
  let now = 1_795_626_197_000;
  const slack = createMemorySlack();
  const log = createRecordingLog();
  const handler = makeHandler(
    { slack, repeats: createRepeatWindow(windowSeconds * 1000), log, now: () => now },
    { region: "eu-west-1", statementMaxChars: 80, dedupWindowSeconds: windowSeconds },
  );
  const advance = (ms: number) => {
    now += ms;
  };
  return { handler, slack, log, advance };
};

const texts = (message: { attachments: [{ blocks: unknown[] }] } | undefined) =>
  JSON.stringify(message?.attachments[0].blocks);

describe("handler", () => {
  it("logs a malformed event with its reason and returns without throwing", async () => {
    const { handler, slack, log } = setup();

    const summary = await handler({ awslogs: { data: "not-base64!" } });

    expect(summary).toMatchObject({ malformed: 1, messagesSent: 0 });
    expect(slack.sent).toEqual([]);
    expect(log.entries).toContainEqual(
      expect.objectContaining({
        level: "error",
        attributes: expect.objectContaining({ reason: expect.stringContaining("not base64") }),
      }),
    );
  });

  it("logs a subscription from a log group it does not read as malformed", async () => {
    const { handler, log } = setup();

    const summary = await handler(
      encodeLogsSubscription({ logGroup: "/aws/lambda/lab-dev-upload", logEvents: ["x"] }),
    );

    expect(summary).toMatchObject({ malformed: 1 });
    expect(log.text()).toContain(
      "log group /aws/lambda/lab-dev-upload is not an RDS PostgreSQL log or MySQL slow query log",
    );
  });

  it("turns many slow queries in one event into one message, slowest first", async () => {
    const { handler, slack } = setup();
    const lines = [
      pgLine(120, "select * from images where id = 1"),
      pgLine(900, "select count(*) from images"),
      pgLine(130, "select * from images where id = 2"),
    ];

    const summary = await handler(pgEvent(...lines));

    expect(summary).toMatchObject({ slowQueries: 3, messagesSent: 1 });
    expect(slack.sent).toHaveLength(1);
    const blocks = slack.sent[0]?.attachments[0].blocks as { text?: { text: string } }[];
    expect(blocks[2]?.text?.text).toContain("select count(*) from images");
    expect(blocks[3]?.text?.text).toContain("*130 ms* max · 2× · 250 ms total");
    expect(blocks[3]?.text?.text).toContain("select * from images where id = ?");
  });

  it("counts a statement seen again within the window instead of posting it, then reports the count", async () => {
    const { handler, slack, advance } = setup(300);
    await handler(pgEvent(pgLine(120, "select * from images where id = 1")));

    const repeat = await handler(
      pgEvent(
        pgLine(150, "select * from images where id = 2"),
        pgLine(160, "select * from images where id = 3"),
      ),
    );
    advance(301_000);
    await handler(pgEvent(pgLine(170, "select * from images where id = 4")));

    expect(repeat).toMatchObject({ messagesSent: 0, repeatedSlowQueries: 2, slowQueries: 0 });
    expect(slack.sent).toHaveLength(2);
    expect(texts(slack.sent[1])).toContain("Also ran 2 times since it was last posted");
  });

  it("lists new statements and counts repeats in the same message", async () => {
    const { handler, slack } = setup();
    await handler(pgEvent(pgLine(120, "select 1")));

    await handler(pgEvent(pgLine(120, "select 2"), pgLine(200, "select now()")));

    expect(slack.sent).toHaveLength(2);
    expect(texts(slack.sent[1])).toContain(
      "1 more execution of statements already posted in the last 300 s (counted)",
    );
    expect(texts(slack.sent[1])).toContain("select now()");
  });

  it("keeps nothing in the window when Slack fails, so Lambda's retry posts the statements again", async () => {
    const { handler, slack, log } = setup();
    const event = pgEvent(pgLine(120, "select * from images"));
    slack.failNext();

    await expect(handler(event)).rejects.toThrow("gave up after 4 attempt(s)");
    const retry = await handler(event);

    expect(retry).toMatchObject({ messagesSent: 1, repeatedSlowQueries: 0 });
    expect(slack.sent).toHaveLength(1);
    expect(log.entries).toContainEqual(
      expect.objectContaining({
        level: "error",
        message: expect.stringContaining("throwing so Lambda retries"),
      }),
    );
  });

  it("rethrows a Slack failure for an alarm", async () => {
    const { handler, slack } = setup();
    slack.failNext();

    await expect(handler(makeAlarmSnsEvent(ALARM_FAMILIES["Lambda errors"]!))).rejects.toThrow(/HTTP 503/);
  });

  it("caps a flood of distinct statements at Slack's block limit and says how many were left out", async () => {
    const { handler, slack } = setup();
    const lines = Array.from({ length: 60 }, (_, i) =>
      pgLine(100 + i, `select * from table_${i} where id = ${i}`),
    );

    await handler(pgEvent(...lines));

    const blocks = slack.sent[0]?.attachments[0].blocks ?? [];
    expect(slack.sent).toHaveLength(1);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(texts(slack.sent[0])).toContain("…and 45 more statements (45 executions), all in the log group.");
    expect(texts(slack.sent[0])).toContain("table_59");
  });

  it("truncates long statements after normalising them", async () => {
    const { handler, slack } = setup();
    const columns = Array.from({ length: 40 }, (_, i) => `col_${i} = 'secret${i}'`).join(" and ");

    await handler(pgEvent(pgLine(300, `select * from wide where ${columns}`)));

    const text = texts(slack.sent[0]);
    expect(text).toContain("select * from wide where col_0 = ? and col_1 = ?");
    expect(text).toContain("…```");
    expect(text).not.toContain("secret");
  });

  it("posts the failed invocations of one SQS batch as one message and logs an unreadable body", async () => {
    const { handler, slack, log } = setup();
    const record = (key: string, requestId: string) =>
      makeInvocationFailureRecord({
        function: "lab-dev-transform",
        requestId,
        requestPayload: makeS3ObjectCreatedEvent("lab-dev-images", key),
        errorType: "Error",
        errorMessage: "Input buffer contains unsupported image format",
        timestamp: "2026-11-25T17:03:17.000Z",
      });

    const summary = await handler(
      makeSqsEvent([record("uploads/a b.jpg", "req-1"), "not json", record("uploads/c.png", "req-2")]),
    );

    expect(summary).toMatchObject({ invocationFailures: 2, malformed: 1, messagesSent: 1 });
    expect(texts(slack.sent[0])).toContain("s3://lab-dev-images/uploads/a b.jpg");
    expect(texts(slack.sent[0])).toContain("s3://lab-dev-images/uploads/c.png");
    expect(slack.sent[0]?.text).toBe(
      "2 invocations failed: lab-dev-transform (RetriesExhausted): the event was not processed",
    );
    expect(log.text()).toContain("Records[1].body is not JSON");
  });

  it("ignores a CONTROL_MESSAGE without posting", async () => {
    const { handler, slack } = setup();

    const summary = await handler(
      encodeLogsSubscription({
        logGroup: "/aws/rds/instance/lab-dev/postgresql",
        messageType: "CONTROL_MESSAGE",
        logEvents: ["CWL CONTROL MESSAGE"],
      }),
    );

    expect(summary).toMatchObject({ ignored: 1, messagesSent: 0 });
    expect(slack.sent).toEqual([]);
  });

  it("reports MySQL slow log entries", async () => {
    const { handler, slack } = setup();
    const entry = [
      "# Time: 2026-11-25T17:03:17.123456Z",
      "# User@Host: lab[lab] @  [10.0.1.23]  Id:    42",
      "# Query_time: 2.500000  Lock_time: 0.000100 Rows_sent: 1  Rows_examined: 120000",
      "use lab;",
      "SET timestamp=1795626197;",
      "SELECT * FROM images WHERE owner = 'alice@example.com';",
    ].join("\n");

    await handler(
      encodeLogsSubscription({ logGroup: rdsLogGroup("lab-dev-mysql", "slowquery"), logEvents: [entry] }),
    );

    expect(slack.sent).toHaveLength(1);
    expect(texts(slack.sent[0])).toContain("SELECT * FROM images WHERE owner = ?");
    expect(texts(slack.sent[0])).toContain("*2,500 ms* · `lab` as `lab`");
    expect(JSON.stringify(slack.sent)).not.toContain("alice");
  });
});
