/**
 * Every factory's output is parsed by the schema Powertools for AWS Lambda keeps for that source
 * (@aws-lambda-powertools/parser, packages/parser/src/schemas/): an event a factory builds that Powertools
 * rejects is a bug in the factory, whatever the function under test makes of it.
 */
import {
  APIGatewayProxyEventV2Schema,
  CloudWatchLogsSchema,
  EventBridgeSchema,
  S3Schema,
  SnsSchema,
  SqsSchema,
} from "@aws-lambda-powertools/parser/schemas";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  encodeLogsSubscription,
  groupPostgresLogLines,
  makeAlarmSnsEvent,
  makeBodylessEvent,
  makeHttpEvent,
  makeInvocationFailureRecord,
  makeS3Event,
  makeS3ObjectCreatedEvent,
  makeScheduledEvent,
  makeSnsEvent,
  makeSqsEvent,
  rdsLogGroup,
  toHttpApiEvent,
} from "../src/index.js";

/** The issues Powertools' schema finds, as `path: message` lines: [] when it accepts the event. */
const issuesOf = (schema: z.ZodType, event: unknown): string[] => {
  const result = schema.safeParse(event);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("S3", () => {
  it("builds ObjectCreated records Powertools' S3Schema accepts, one per input", () => {
    const event = makeS3Event(
      { key: "uploads/2026/11/25/a b+c ü.jpg", eventName: "ObjectCreated:Post" },
      {
        key: "uploads/x.png",
        bucket: "other",
        region: "ap-northeast-2",
        versionId: "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY",
      },
    );

    expect(issuesOf(S3Schema, event)).toEqual([]);
    expect(event.Records.map((r) => [r.s3.bucket.name, r.awsRegion])).toEqual([
      ["lab-images", "eu-west-1"],
      ["other", "ap-northeast-2"],
    ]);
  });

  it("encodes the key as S3 does and accepts the one-record shorthand", () => {
    const event = makeS3ObjectCreatedEvent("lab-images", "uploads/a b+c ü.jpg");

    expect(issuesOf(S3Schema, event)).toEqual([]);
    expect(event.Records[0]?.s3.object.key).toBe("uploads/a+b%2Bc+%C3%BC.jpg");
  });
});

describe("SNS", () => {
  it("wraps a message in a record Powertools' SnsSchema accepts", () => {
    const event = makeSnsEvent(
      { hello: "world" },
      { subject: "greeting", timestamp: "2026-11-25T17:03:17Z" },
    );

    expect(issuesOf(SnsSchema, event)).toEqual([]);
    expect(JSON.parse(event.Records[0]?.Sns.Message ?? "")).toEqual({ hello: "world" });
  });

  it("delivers a CloudWatch alarm with the Subject CloudWatch writes, within SNS's 100 characters", () => {
    const event = makeAlarmSnsEvent({
      name: `lambda-lab-dev-transform-errors-${"x".repeat(100)}`,
      metric: { namespace: "AWS/Lambda", name: "Errors", statistic: "Sum" },
      threshold: 1,
      region: "eu-west-1",
    });

    expect(issuesOf(SnsSchema, event)).toEqual([]);
    const record = event.Records[0]?.Sns;
    expect(record?.Subject).toMatch(/^ALARM: "lambda-lab-dev-transform-errors-x+$/);
    expect(record?.Subject?.length).toBe(100);
    expect(JSON.parse(record?.Message ?? "")).toMatchObject({
      NewStateValue: "ALARM",
      OldStateValue: "OK",
      Region: "EU (Ireland)",
      Trigger: { Statistic: "SUM", StatisticType: "Statistic" },
    });
  });
});

describe("CloudWatch Logs", () => {
  it("gzips and base64-encodes a subscription payload Powertools' CloudWatchLogsSchema decodes back", () => {
    const lines = [
      "2026-12-01 03:30:12 UTC:10.20.16.5(40512):lab_admin@lab:[4242]:LOG:  duration: 812.331 ms  statement: SELECT *",
      "\tFROM images",
      "2026-12-01 03:30:13 UTC:10.20.16.5(40512):lab_admin@lab:[4242]:LOG:  checkpoint starting: time",
    ];
    const logGroup = rdsLogGroup("lambda-lab-dev", "postgresql");

    const event = encodeLogsSubscription({
      logGroup,
      logEvents: groupPostgresLogLines(lines),
      timestamp: 1_795_000_000_000,
    });

    const decoded = CloudWatchLogsSchema.parse(event).awslogs.data;
    expect(decoded).toMatchObject({ messageType: "DATA_MESSAGE", logGroup, logStream: "lambda-lab-dev" });
    expect(decoded.logEvents.map((e) => e.message)).toEqual([`${lines[0]}\n${lines[1]}`, lines[2]]);
    expect(new Set(decoded.logEvents.map((e) => e.id)).size).toBe(2);
  });
});

describe("SQS and Lambda destination records", () => {
  it("carries on-failure records in records Powertools' SqsSchema accepts", () => {
    const record = makeInvocationFailureRecord({
      function: "lambda-lab-dev-transform",
      requestPayload: makeS3ObjectCreatedEvent("lab-images", "uploads/a.jpg"),
      errorType: "Sandbox.Timedout",
    });

    const event = makeSqsEvent([record, "plain text"]);

    expect(issuesOf(SqsSchema, event)).toEqual([]);
    expect(JSON.parse(event.Records[0]?.body ?? "")).toEqual(record);
    expect(event.Records[1]?.body).toBe("plain text");
    expect(new Set(event.Records.map((r) => r.messageId)).size).toBe(2);
  });

  it("sends the MD5 of each body, as SQS does", () => {
    // What `printf 'plain text' | md5sum` prints.
    expect(makeSqsEvent(["plain text"]).Records[0]?.md5OfBody).toBe("31bc5c2b8fd4f20cd747347b7504a385");
  });
});

describe("API Gateway HTTP API (payload 2.0)", () => {
  it("builds requests with and without a body that Powertools' APIGatewayProxyEventV2Schema accepts", () => {
    const withBody = makeHttpEvent({ method: "POST", path: "/uploads", body: { contentType: "image/png" } });
    const absent = makeBodylessEvent("GET", "/uploads/01KB", "absent");

    expect(issuesOf(APIGatewayProxyEventV2Schema, withBody)).toEqual([]);
    expect(issuesOf(APIGatewayProxyEventV2Schema, absent)).toEqual([]);
    expect("body" in absent).toBe(false);
  });

  it("lower-cases header names and splits the query string off the raw path, as HTTP APIs do", () => {
    const event = makeHttpEvent({ path: "/uploads?limit=5&x=a%20b", headers: { Authorization: "Bearer t" } });

    expect(issuesOf(APIGatewayProxyEventV2Schema, event)).toEqual([]);
    expect(event).toMatchObject({
      rawPath: "/uploads",
      rawQueryString: "limit=5&x=a%20b",
      queryStringParameters: { limit: "5", x: "a b" },
      headers: { authorization: "Bearer t" },
      requestContext: {
        http: { path: "/uploads" },
        time: "25/Nov/2026:12:00:00 +0000",
        timeEpoch: Date.parse("2026-11-25T12:00:00Z"),
      },
    });
  });
});

describe("API Gateway HTTP API (payload 2.0) from a received request", () => {
  const received = {
    method: "GET",
    url: "/uploads/01KB?tag=a&tag=b%20c",
    headers: {
      Host: "abc123.execute-api.eu-west-1.amazonaws.com",
      "User-Agent": "curl/8",
      "X-Forwarded-For": ["198.51.100.1", "203.0.113.9"],
      Cookie: "session=s1; theme=dark",
    },
    routeKey: "GET /uploads/{id}",
    pathParameters: { id: "01KB" },
    time: new Date("2026-11-25T12:00:00Z"),
    requestId: "Xy4Z1gGtjoEEMUQ=",
    apiId: "abc123",
    accountId: "123456789012",
    sourceIp: "198.51.100.1",
  };

  it("builds an event Powertools' APIGatewayProxyEventV2Schema accepts, with the route that matched", () => {
    const event = toHttpApiEvent(received);

    expect(issuesOf(APIGatewayProxyEventV2Schema, event)).toEqual([]);
    expect(event).toMatchObject({
      routeKey: "GET /uploads/{id}",
      pathParameters: { id: "01KB" },
      requestContext: {
        routeKey: "GET /uploads/{id}",
        domainPrefix: "abc123",
        http: { userAgent: "curl/8" },
      },
    });
  });

  it("joins repeated headers and query parameters with commas and moves the cookies out of the headers", () => {
    const event = toHttpApiEvent(received);

    expect(event.headers["x-forwarded-for"]).toBe("198.51.100.1,203.0.113.9");
    expect(event.queryStringParameters).toEqual({ tag: "a,b c" });
    expect(event.cookies).toEqual(["session=s1", "theme=dark"]);
    expect(event.headers).not.toHaveProperty("cookie");
  });

  it.each([
    ["application/json", false],
    ["text/plain; charset=utf-8", false],
    ["application/x-www-form-urlencoded", true],
    ["image/png", true],
    [undefined, true],
  ] as const)("passes a %s body base64-encoded: %s", (contentType, base64) => {
    const body = Buffer.from('{"a":1}');

    const event = toHttpApiEvent({
      ...received,
      method: "POST",
      headers: contentType ? { "content-type": contentType } : {},
      body,
    });

    expect(issuesOf(APIGatewayProxyEventV2Schema, event)).toEqual([]);
    expect(event.isBase64Encoded).toBe(base64);
    expect(Buffer.from(event.body ?? "", base64 ? "base64" : "utf8")).toEqual(body);
  });

  it("leaves the body out when the request has none", () => {
    const event = toHttpApiEvent({ ...received, body: Buffer.alloc(0) });

    expect("body" in event).toBe(false);
    expect(event.isBase64Encoded).toBe(false);
  });
});

describe("EventBridge scheduled events", () => {
  it.each(["aws.events", "aws.scheduler"] as const)(
    "builds a %s Scheduled Event Powertools' EventBridgeSchema accepts",
    (source) => {
      const event = makeScheduledEvent({ source, time: "2026-12-01T00:05:00.123Z" });

      expect(issuesOf(EventBridgeSchema, event)).toEqual([]);
      expect(event.time).toBe("2026-12-01T00:05:00Z");
    },
  );
});
