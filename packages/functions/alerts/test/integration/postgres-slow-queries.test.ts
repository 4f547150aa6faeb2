import { type LocalPostgres, startLocalPostgres } from "@lambda-lab/db/testing";
import { encodeLogsSubscription, groupPostgresLogLines, rdsLogGroup } from "@lambda-lab/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeHandler } from "../../src/handler.js";
import { createRepeatWindow } from "../../src/repeat-window.js";
import { createSlackWebhook } from "../../src/slack/webhook.js";
import { createRecordingLog } from "../support/recording-log.js";
import { type SlackSink, startSlackSink } from "../support/slack-sink.js";

const LOG_GROUP = rdsLogGroup("lab-dev", "postgresql");

const waitFor = async (condition: () => boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe("slow statements logged by a real PostgreSQL, through the subscription encoding and the handler", () => {
  let db: LocalPostgres;
  let sink: SlackSink;
  /** The log lines our three statements produced, exactly as the server wrote them. */
  let lines: string[];

  const newHandler = () => {
    const log = createRecordingLog();
    return {
      log,
      handler: makeHandler(
        {
          slack: createSlackWebhook({ url: async () => sink.url, maxAttempts: 2, minIntervalMs: 0, log }),
          repeats: createRepeatWindow(300_000),
          log,
          now: Date.now,
        },
        { region: "eu-west-1", statementMaxChars: 500, dedupWindowSeconds: 300 },
      ),
    };
  };

  beforeAll(async () => {
    sink = await startSlackSink();
    db = await startLocalPostgres({ settings: { log_min_duration_statement: "50" } });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const from = db.logLines.length;
    // Simple protocol: literals sit in the statement text.
    await client.query("select pg_sleep(0.06), 'hunter2-simple' as secret, 42 as answer");
    // Extended protocol: values travel as parameters and come back in a DETAIL line.
    await client.query("select pg_sleep($1), $2::text as secret", [0.06, "hunter2-param"]);
    await client.query({ name: "slow-images", text: "select pg_sleep($1)\n  , 1 as x", values: [0.06] });
    await client.end();
    await waitFor(
      () => db.logLines.slice(from).filter((l) => l.includes("DETAIL:  Parameters:")).length >= 2,
      "the DETAIL lines of both parameterised statements",
    );
    lines = db.logLines.slice(from);
  });
  afterAll(async () => {
    await sink?.stop();
    await db?.stop();
  });

  it("produced the RDS-prefixed lines the parser is written for", () => {
    expect(
      lines.filter((l) =>
        /^\d{4}-\d{2}-\d{2} [\d:]+ UTC:127\.0\.0\.1\(\d+\):postgres@lab:\[\d+\]:LOG: {2}duration: /.test(l),
      ),
    ).toHaveLength(3);
  });

  it("posts one message with all three statements normalised and no literal or parameter value", async () => {
    const { handler } = newHandler();
    sink.delivered.length = 0;
    const event = encodeLogsSubscription({ logGroup: LOG_GROUP, logEvents: groupPostgresLogLines(lines) });

    const summary = await handler(event);

    expect(summary).toMatchObject({ slowQueries: 3, messagesSent: 1, malformed: 0 });
    expect(sink.delivered).toHaveLength(1);
    const raw = sink.delivered[0]?.raw ?? "";
    expect(raw).not.toContain("hunter2");
    const sections: string[] = sink.delivered[0]?.body.attachments[0].blocks
      .filter((b: { type: string; text?: unknown }) => b.type === "section" && b.text)
      .map((b: { text: { text: string } }) => b.text.text);
    expect(sections).toHaveLength(3);
    const simple = sections.find((s) => s.includes("select pg_sleep(?), ? as secret, ? as answer"));
    const parameterised = sections.find((s) => s.includes("select pg_sleep($1), $2::text as secret"));
    const named = sections.find((s) => s.includes("select pg_sleep($1) , ? as x"));
    expect(simple).toMatch(/^\*\d+(\.\d+)? ms\* · `lab` as `postgres`\n/);
    expect(simple).not.toContain("withheld");
    expect(parameterised).toContain("extended protocol (execute) · parameter values withheld");
    expect(named).toContain("parameter values withheld");
  });

  it("reads the DETAIL line when it arrives in the same log event as its statement", async () => {
    const { handler } = newHandler();
    sink.delivered.length = 0;
    const merged = groupPostgresLogLines(lines).reduce<string[]>((events, message) => {
      if (message.includes(":DETAIL:  ") && events.length > 0) events[events.length - 1] += `\n${message}`;
      else events.push(message);
      return events;
    }, []);

    await handler(encodeLogsSubscription({ logGroup: LOG_GROUP, logEvents: merged }));

    const raw = sink.delivered[0]?.raw ?? "";
    expect(raw.match(/parameter values withheld/g)).toHaveLength(2);
    expect(raw).not.toContain("hunter2");
  });

  it("counts the same statements arriving again within the window instead of repeating them", async () => {
    const { handler, log } = newHandler();
    sink.delivered.length = 0;
    const event = encodeLogsSubscription({ logGroup: LOG_GROUP, logEvents: groupPostgresLogLines(lines) });

    await handler(event);
    const again = await handler(event);

    expect(again).toMatchObject({ messagesSent: 0, repeatedSlowQueries: 3 });
    expect(sink.delivered).toHaveLength(1);
    expect(log.text()).toContain("counted, not posted");
    expect(log.text()).not.toContain("hunter2");
  });
});
