/**
 * Every payload the program configures is parsed by the target function's own parser. A mock records what
 * the program asked for; this test asks the function whether it would accept what AWS then delivers:
 * the Scheduler input with its context attributes filled, the S3 event for a key the notification
 * matches, the SNS notification of each configured alarm, the Logs subscription payload of a line the
 * filter pattern matches, and the SQS record of each on-failure queue an event source mapping reads.
 */

import { recogniseEvent } from "@lambda-lab/alerts/events";
import { resolveStatsRequest } from "@lambda-lab/daily-stats/events";
import { parseCleanupEvent } from "@lambda-lab/orphan-cleanup/events";
import { fillSchedulerInput } from "@lambda-lab/shared";
import {
  encodeLogsSubscription,
  makeAlarmSnsEvent,
  makeInvocationFailureRecord,
  makeS3ObjectCreatedEvent,
  makeSqsEvent,
} from "@lambda-lab/testing";
import { parseS3Event } from "@lambda-lab/transform/events";
import { beforeAll, describe, expect, it } from "vitest";
import { FUNCTION_IDS, type FunctionId } from "../src/stack-config.js";
import { ACCOUNT_ID, type ProgramRun, REGION, runProgram, STACKS } from "./harness.js";
import { SCHEMAS, T } from "./wiring.js";

// biome-ignore lint/suspicious/noExplicitAny: recorded inputs are arbitrary JSON.
type Json = any;

const idOfArn = (run: ProgramRun, arn: string): FunctionId => {
  const fn = run.ofType(T.fn).find((f) => f.state.arn === arn || f.state.name === arn);
  const id = FUNCTION_IDS.find((candidate) => fn?.name === candidate);
  if (!id) throw new Error(`no Lambda Lab function has ARN ${arn}`);
  return id;
};

/** The environment the program deploys for a function, parsed by that function's own env schema. */
const envOf = (run: ProgramRun, id: FunctionId): Json =>
  SCHEMAS[id].parse(run.one(T.fn, id).inputs.environment.variables);

/** The key prefixes a function's role may write: where its own output lands. */
const writePrefixes = (run: ProgramRun, id: FunctionId): string[] =>
  run
    .one(T.rolePolicy, `${id}-policy`)
    .inputs.policy.Statement.filter((s: Json) => [s.Action].flat().includes("s3:PutObject"))
    .flatMap((s: Json) => [s.Resource].flat())
    .map((arn: string) => arn.replace(/^arn:aws:s3:::[^/]+\//, "").replace(/\*$/, ""));

/**
 * CloudWatch Logs filter patterns: only the quoted-term form is interpreted here (an event matches when it
 * contains the term; "Filter pattern syntax for metric filters, subscription filters…"). Any other syntax
 * fails the test rather than being guessed at.
 */
const logPatternMatches = (pattern: string, line: string): boolean => {
  const term = /^"([^"]+)"$/.exec(pattern)?.[1];
  if (term === undefined)
    throw new Error(`filter pattern ${pattern} is not a quoted term; teach this test its syntax`);
  return line.includes(term);
};

describe.each(STACKS)("%s: configured payloads meet their target's parser", (stack) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram(stack);
  });

  it("Scheduler: each schedule's input, filled as Scheduler fills it, is accepted by its function", () => {
    const schedules = run.ofType(T.schedule);
    expect(schedules.length).toBeGreaterThan(0);
    for (const schedule of schedules) {
      const id = idOfArn(run, schedule.inputs.target.arn);
      const event = JSON.parse(
        fillSchedulerInput(schedule.inputs.target.input, {
          scheduleArn: `arn:aws:scheduler:${REGION}:${ACCOUNT_ID}:schedule/default/${schedule.name}`,
          scheduledTime: "2026-12-01T03:30:00Z",
          executionId: "d32c5kddcf5bb8c3",
          attemptNumber: "1",
        }),
      );
      const env = envOf(run, id);
      const accepted = () => {
        if (id === "orphan-cleanup")
          return parseCleanupEvent(event, { dryRun: env.DRY_RUN, maxDeletes: env.MAX_DELETES });
        if (id === "daily-stats")
          return resolveStatsRequest(event, env.TIME_ZONE, new Date("2026-12-01T03:30:01Z"));
        throw new Error(`schedule ${schedule.name} targets ${id}, which has no schedule parser here`);
      };
      expect(accepted, `${schedule.name} → ${id}`).not.toThrow();
    }
  });

  it("S3: one notification per bucket, no overlapping filters, never on a prefix its target writes", () => {
    const notifications = run.ofType("aws:s3/bucketNotification:BucketNotification");
    const buckets = notifications.map((n) => n.inputs.bucket);
    expect(new Set(buckets).size, "one BucketNotification per bucket (each replaces the last)").toBe(
      buckets.length,
    );
    for (const notification of notifications) {
      const entries: Json[] = notification.inputs.lambdaFunctions ?? [];
      entries.forEach((a: Json, i: number) => {
        for (const b of entries.slice(i + 1)) {
          const sameEvents = a.events.some((e: string) => b.events.includes(e));
          const prefixes = [a.filterPrefix ?? "", b.filterPrefix ?? ""];
          const suffixes = [a.filterSuffix ?? "", b.filterSuffix ?? ""];
          const overlap = (x: string[]) => x[0]?.startsWith(x[1] ?? "") || x[1]?.startsWith(x[0] ?? "");
          expect(sameEvents && overlap(prefixes) && overlap(suffixes), "S3 refuses overlapping filters").toBe(
            false,
          );
        }
      });
      for (const entry of entries) {
        const id = idOfArn(run, entry.lambdaFunctionArn);
        const prefix: string = entry.filterPrefix ?? "";
        for (const written of writePrefixes(run, id)) {
          expect(
            written.startsWith(prefix) || prefix.startsWith(written),
            `${id} writes ${written}*, its trigger fires on ${prefix}*`,
          ).toBe(false);
        }
        // A real key under the filter, with the characters S3 escapes in events.
        const key = `${prefix}2026/12/01/01JXYZ a+b ü${entry.filterSuffix ?? ".jpg"}`;
        const parsed =
          id === "transform" ? parseS3Event(makeS3ObjectCreatedEvent("lab-images", key, REGION)) : undefined;
        expect(parsed, `${id} has an S3 parser`).toBeDefined();
        expect(parsed?.kind === "records" && parsed.records.map((r) => r.key)).toEqual([key]);
      }
    }
  });

  it("SNS: the notification of every alarm that publishes to a subscribed topic is read as an alarm", () => {
    const subscriptions = run
      .ofType("aws:sns/topicSubscription:TopicSubscription")
      .filter((s) => s.inputs.protocol === "lambda");
    expect(subscriptions.length).toBeGreaterThan(0);
    for (const subscription of subscriptions) {
      const alarms = run
        .ofType(T.alarm)
        .filter((a) => a.inputs.alarmActions?.includes(subscription.inputs.topic));
      expect(alarms.length, `alarms publishing to ${subscription.inputs.topic}`).toBeGreaterThan(0);
      for (const alarm of alarms) {
        const a = alarm.inputs;
        const event = makeAlarmSnsEvent(
          {
            name: a.name ?? alarm.name,
            description: a.alarmDescription,
            region: REGION,
            accountId: ACCOUNT_ID,
            metric: {
              namespace: a.namespace,
              name: a.metricName,
              dimensions: a.dimensions,
              statistic: a.statistic,
              period: a.period,
            },
            threshold: a.threshold,
            comparison: a.comparisonOperator,
            evaluationPeriods: a.evaluationPeriods,
          },
          { topicArn: subscription.inputs.topic },
        );
        expect(
          recogniseEvent(event).map((input) => input.kind),
          alarm.name,
        ).toEqual(["alarm"]);
      }
    }
  });

  it("CloudWatch Logs: a line the subscription filter matches reaches alerts as a slow-query payload", () => {
    const filters = run.ofType("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter");
    expect(filters.length).toBeGreaterThan(0);
    for (const filter of filters) {
      expect(idOfArn(run, filter.inputs.destinationArn)).toBe("alerts");
      // RDS for PostgreSQL's default log_line_prefix ("%t:%r:%u@%d:[%p]:") before a slow statement.
      const line =
        "2026-12-01 03:30:12 UTC:10.20.16.5(40512):lab_admin@lab:[4242]:LOG:  duration: 812.331 ms  statement: SELECT * FROM images WHERE key > 'uploads/'";
      expect(logPatternMatches(filter.inputs.filterPattern, line), filter.inputs.filterPattern).toBe(true);
      const event = encodeLogsSubscription({
        logGroup: filter.inputs.logGroup,
        subscriptionFilters: [filter.name],
        logEvents: [line],
      });
      expect(recogniseEvent(event).map((input) => input.kind)).toEqual(["logs"]);
    }
  });

  it("SQS: each on-failure queue an event source mapping reads delivers invocation records alerts reads", () => {
    const mappings = run.ofType("aws:lambda/eventSourceMapping:EventSourceMapping");
    expect(mappings.length).toBeGreaterThan(0);
    const destinations = run.ofType(T.invokeConfig);
    for (const mapping of mappings) {
      expect(idOfArn(run, mapping.inputs.functionName)).toBe("alerts");
      const source = destinations.find(
        (d) => d.inputs.destinationConfig.onFailure.destination === mapping.inputs.eventSourceArn,
      );
      expect(source, `a function sends its failures to ${mapping.inputs.eventSourceArn}`).toBeDefined();
      const record = makeInvocationFailureRecord({
        function: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${source?.inputs.functionName}:$LATEST`,
        requestPayload: { Records: [] },
      });
      const event = makeSqsEvent([record], mapping.inputs.eventSourceArn);
      expect(recogniseEvent(event).map((input) => input.kind)).toEqual(["invocation-failure"]);
    }
  });
});
