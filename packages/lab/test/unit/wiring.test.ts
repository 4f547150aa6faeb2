import type { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { AlertsEnv } from "@lambda-lab/alerts/env";
import { DailyStatsEnv } from "@lambda-lab/daily-stats/env";
import { listStacks } from "@lambda-lab/infra/stack-config";
import { OrphanCleanupEnv } from "@lambda-lab/orphan-cleanup/env";
import { encodeS3EventKey as encodeEventKey } from "@lambda-lab/testing/s3";
import { TransformEnv } from "@lambda-lab/transform/env";
import { UploadEnv } from "@lambda-lab/upload/env";
import { describe, expect, it } from "vitest";
import { FUNCTION_IDS, functionEnvironment, loadStack } from "../../src/config.js";
import { findRepoRoot } from "../../src/paths.js";
import { fromLambdaResult, toApiGatewayV2Event } from "../../src/services/api-gateway.js";
import { notifyFor } from "../../src/services/s3-notifications.js";
import { parseScheduleExpression, startScheduler } from "../../src/services/scheduler.js";

const SCHEMAS = {
  upload: UploadEnv,
  transform: TransformEnv,
  "orphan-cleanup": OrphanCleanupEnv,
  "daily-stats": DailyStatsEnv,
  alerts: AlertsEnv,
};

describe("function environments", () => {
  for (const stackName of listStacks(findRepoRoot())) {
    it(`satisfies every function's own env schema for the ${stackName} stack`, () => {
      const stack = loadStack(stackName, findRepoRoot());
      const local = {
        s3Endpoint: "http://127.0.0.1:4569",
        databaseUrl: "postgres://postgres:postgres@127.0.0.1:55432/lab",
        slackWebhookUrl: "http://127.0.0.1:5182/services/T0LAB/B0LAB/local-sink",
        stateDir: "/tmp/lab-efs",
        labOrigins: ["http://127.0.0.1:5173"],
        uploadTokenSecret: "a".repeat(64),
      };
      for (const id of FUNCTION_IDS) {
        const env = { ...functionEnvironment(id, stack, local), AWS_REGION: stack.region };
        const parsed = SCHEMAS[id].safeParse(env);
        expect(parsed.success ? "ok" : `${id}: ${parsed.error.message}`).toBe("ok");
      }
    });
  }
});

describe("S3 notifications", () => {
  it("URL-encodes keys the way S3 does: spaces as +, slashes kept, everything else %XX", () => {
    expect(encodeEventKey("uploads/a b+c.jpg")).toBe("uploads/a+b%2Bc.jpg");
    expect(encodeEventKey("uploads/2026/11/25/ünï(1)~!.png")).toBe(
      "uploads/2026/11/25/%C3%BCn%C3%AF%281%29%7E%21.png",
    );
    expect(decodeURIComponent(encodeEventKey("uploads/x y&z=1.gif").replace(/\+/g, " "))).toBe(
      "uploads/x y&z=1.gif",
    );
  });

  it("turns the S3 port's record into S3's record for keys under the trigger prefix only", () => {
    const event = (key: string) => [
      { eventName: "ObjectCreated:Post", bucket: "b", key, size: 3, eTag: "abc" },
    ];
    const target = { configurationId: "uploads-to-transform", prefix: "uploads/" };
    const made = notifyFor(event("uploads/my photo.jpg"), { region: "eu-west-1", target }).notification;
    expect(made?.Records[0]).toMatchObject({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: "eu-west-1",
      eventName: "ObjectCreated:Post",
      s3: {
        configurationId: "uploads-to-transform",
        bucket: { name: "b", arn: "arn:aws:s3:::b" },
        object: { key: "uploads/my+photo.jpg", size: 3, eTag: "abc" },
      },
    });
    expect(
      notifyFor(event("variants/x/thumb.webp"), { region: "eu-west-1", target }).notification,
    ).toBeUndefined();
  });
});

describe("schedules", () => {
  it("reads EventBridge cron with Sunday as 1 and ? as no value", () => {
    expect(parseScheduleExpression("cron(30 3 * * ? *)")).toMatchObject({
      kind: "cron",
      pattern: "0 30 3 * * * *",
    });
    expect(parseScheduleExpression("rate(5 minutes)")).toMatchObject({ kind: "rate", everyMs: 300_000 });
    expect(() => parseScheduleExpression("cron(30 3 * * *)")).toThrow(/expected cron\(minutes hours/);
    expect(() => parseScheduleExpression("cron(0 12 1 * MON *)")).toThrow(/needs "\?"/);
  });

  it("computes the next run in the stack's time zone", () => {
    const scheduler = startScheduler(
      [{ functionId: "daily-stats", expression: "cron(15 0 * * ? *)" }],
      "Asia/Seoul",
      () => {},
    );
    const next = new Date(scheduler.entries()[0]!.nextRun!);
    scheduler.stop();
    // 00:15 in Seoul (UTC+9) is 15:15 UTC.
    expect(next.getUTCHours()).toBe(15);
    expect(next.getUTCMinutes()).toBe(15);
  });

  it("runs Monday-only schedules on Mondays (EventBridge's 2 = MON)", () => {
    const scheduler = startScheduler([{ functionId: "x", expression: "cron(0 9 ? * 2 *)" }], "UTC", () => {});
    const next = new Date(scheduler.entries()[0]!.nextRun!);
    scheduler.stop();
    expect(next.getUTCDay()).toBe(1);
  });
});

describe("API Gateway mapping", () => {
  const request = (init: { method: string; url: string; headers: Record<string, string> }) => {
    const req = Object.assign(Object.create(null), {
      method: init.method,
      url: init.url,
      headers: init.headers,
      httpVersion: "1.1",
      socket: new Socket(),
    }) as IncomingMessage;
    return req;
  };

  it("builds a payload format 2.0 event", () => {
    const event = toApiGatewayV2Event(
      request({
        method: "POST",
        url: "/uploads?a=1&a=2",
        headers: { "content-type": "application/json", cookie: "s=1; t=2", host: "127.0.0.1:5180" },
      }),
      Buffer.from('{"size":1}'),
      {
        apiId: "abc",
        accountId: "000000000000",
        route: { routeKey: "POST /uploads", pathParameters: {} },
      },
    );
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "POST /uploads",
      rawPath: "/uploads",
      rawQueryString: "a=1&a=2",
      cookies: ["s=1", "t=2"],
      queryStringParameters: { a: "1,2" },
      body: '{"size":1}',
      isBase64Encoded: false,
      requestContext: { http: { method: "POST", path: "/uploads" }, stage: "$default" },
    });
    expect(event.headers.cookie).toBeUndefined();
  });

  it("base64-encodes a binary body", () => {
    const event = toApiGatewayV2Event(
      request({ method: "PUT", url: "/x", headers: { "content-type": "image/png" } }),
      Buffer.from([0x89, 0x50]),
      { apiId: "abc", accountId: "000000000000", route: { routeKey: "$default", pathParameters: {} } },
    );
    expect(event).toMatchObject({ body: "iVA=", isBase64Encoded: true });
  });

  it("maps a result object as is and anything else to a 200 JSON body", () => {
    expect(
      fromLambdaResult(JSON.stringify({ statusCode: 201, headers: { Location: "/uploads/1" }, body: "{}" })),
    ).toMatchObject({ statusCode: 201, headers: { location: "/uploads/1" } });
    const plain = fromLambdaResult(JSON.stringify({ hello: "world" }));
    expect(plain.statusCode).toBe(200);
    expect(plain.body.toString()).toBe('{"hello":"world"}');
  });
});

describe("the page's view of function environments", () => {
  it("shows every variable name but no secret value", async () => {
    const { redactSecrets } = await import("../../src/lab.js");
    expect(
      redactSecrets({
        BUCKET_NAME: "b",
        AUTH_TOKEN_SECRET: "s3cr3t-s3cr3t",
        AWS_SECRET_ACCESS_KEY: "k",
        AWS_ACCESS_KEY_ID: "id",
      }),
    ).toEqual({
      BUCKET_NAME: "b",
      AUTH_TOKEN_SECRET: "(secret)",
      AWS_SECRET_ACCESS_KEY: "(secret)",
      AWS_ACCESS_KEY_ID: "(secret)",
    });
  });
});

describe("the lab's S3 on a busy port", () => {
  it("moves to a free port and says which one it asked for", async () => {
    const { createServer } = await import("node:net");
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { startLabS3 } = await import("../../src/services/s3.js");
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const busyPort = (blocker.address() as { port: number }).port;
    const directory = await mkdtemp(join(tmpdir(), "lab-s3-busy-"));
    try {
      const s3 = await startLabS3({
        directory,
        bucket: "b",
        port: busyPort,
        corsOrigins: ["http://127.0.0.1:5173"],
      });
      expect(s3.movedFrom).toBe(busyPort);
      expect(s3.port).not.toBe(busyPort);
      const response = await fetch(`${s3.endpoint}/b`);
      expect(response.status).toBe(200);
      await s3.stop();
    } finally {
      blocker.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
