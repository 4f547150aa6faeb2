import { FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { PublishCommand } from "@aws-sdk/client-sns";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { createCloudWatchAlertsLog } from "../../src/adapters/cloudwatch-log.js";
import { createLambdaInvoker } from "../../src/adapters/lambda-invoker.js";
import { createSnsPublisher } from "../../src/adapters/sns-publisher.js";
import { createSsmSecret } from "../../src/adapters/ssm-secret.js";

/** A client whose `send` records each command and answers from a script: the SDK's own command objects. */
const recording = <C>(answer: (command: { input: Record<string, unknown> }, i: number) => unknown) => {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: async (command: { input: Record<string, unknown>; constructor: { name: string } }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return answer(command, sent.length - 1);
    },
  } as unknown as C;
  return { client, sent };
};

describe("the CloudWatch Logs adapter", () => {
  it("searches the log group for the quoted term from `since`, following nextToken", async () => {
    const { client, sent } = recording((_c, i) =>
      i === 0
        ? { events: [{ timestamp: 1, message: "a" }], nextToken: "t1" }
        : { events: [{ timestamp: 2, message: "b" }] },
    );
    const log = createCloudWatchAlertsLog(client as never, "/aws/lambda/lambda-lab-dev-alerts");
    const lines = await log.find(1_000, "lambda-lab-dev-smoke-x");
    expect(lines).toEqual([
      { timestamp: 1, message: "a" },
      { timestamp: 2, message: "b" },
    ]);
    expect(sent).toEqual([
      {
        name: FilterLogEventsCommand.name,
        input: {
          logGroupName: "/aws/lambda/lambda-lab-dev-alerts",
          startTime: 1_000,
          filterPattern: '"lambda-lab-dev-smoke-x"',
          nextToken: undefined,
        },
      },
      {
        name: FilterLogEventsCommand.name,
        input: {
          logGroupName: "/aws/lambda/lambda-lab-dev-alerts",
          startTime: 1_000,
          filterPattern: '"lambda-lab-dev-smoke-x"',
          nextToken: "t1",
        },
      },
    ]);
  });

  it("finds errors with a JSON filter on level (the stack's functions log JSON)", async () => {
    const { client, sent } = recording(() => ({ events: [] }));
    await createCloudWatchAlertsLog(client as never, "/aws/lambda/a").errors(5);
    expect(sent[0]?.input.filterPattern).toBe('{ $.level = "ERROR" }');
  });
});

describe("the SSM adapter", () => {
  it("asks for the decrypted value of the SecureString", async () => {
    const { client, sent } = recording(() => ({
      Parameter: { Type: "SecureString", Value: "s".repeat(64) },
    }));
    const secret = await createSsmSecret(client as never, "/lambda-lab/prod/upload-auth-token").read();
    expect(secret).toHaveLength(64);
    expect(sent).toEqual([
      {
        name: GetParameterCommand.name,
        input: { Name: "/lambda-lab/prod/upload-auth-token", WithDecryption: true },
      },
    ]);
  });

  it("describes itself by the parameter's name, never its value", async () => {
    const { client } = recording(() => ({ Parameter: { Value: "hunter2".repeat(8) } }));
    const source = createSsmSecret(client as never, "/p");
    expect(source.describe).toBe("SSM /p");
  });
});

describe("the Lambda adapter", () => {
  it("invokes synchronously and reads the function error and its payload", async () => {
    const { client, sent } = recording(() => ({
      $metadata: { requestId: "r-1" },
      FunctionError: "Unhandled",
      Payload: Buffer.from(
        '{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out after 3.00 seconds"}',
      ),
    }));
    const invocation = await createLambdaInvoker(client as never).invoke("fn", { dryRun: true });
    expect(invocation).toEqual({
      requestId: "r-1",
      functionError: "Unhandled",
      payload: { errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 3.00 seconds" },
    });
    expect(sent[0]?.name).toBe(InvokeCommand.name);
    expect(sent[0]?.input).toMatchObject({ FunctionName: "fn", InvocationType: "RequestResponse" });
    expect(Buffer.from(sent[0]?.input.Payload as Uint8Array).toString()).toBe('{"dryRun":true}');
  });

  it("invokes asynchronously with InvocationType Event, as SNS does", async () => {
    const { client, sent } = recording(() => ({ $metadata: { requestId: "r-2" }, StatusCode: 202 }));
    expect(await createLambdaInvoker(client as never).invokeAsync("fn", {})).toEqual({ requestId: "r-2" });
    expect(sent[0]?.input.InvocationType).toBe("Event");
  });
});

describe("the SNS adapter", () => {
  it("publishes the alarm JSON with its subject to the topic", async () => {
    const { client, sent } = recording(() => ({ MessageId: "m-1" }));
    const publisher = createSnsPublisher(client as never, "arn:aws:sns:eu-west-1:123456789012:alarms");
    const out = await publisher.publish({ AlarmName: "a" } as never, 'ALARM: "a" in EU (Ireland)');
    expect(out).toEqual({ messageId: "m-1" });
    expect(sent).toEqual([
      {
        name: PublishCommand.name,
        input: {
          TopicArn: "arn:aws:sns:eu-west-1:123456789012:alarms",
          Subject: 'ALARM: "a" in EU (Ireland)',
          Message: '{"AlarmName":"a"}',
        },
      },
    ]);
  });
});
