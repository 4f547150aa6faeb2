import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createParameterReader } from "@lambda-lab/shared";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ssmWebhookUrl } from "../../src/webhook-url.js";
import { rejection } from "../support/rejection.js";

const SECRET = "https://hooks.slack.com/services/T0LAB/B0ALERTS/ssmSECRETvalue";

/** A local HTTP server speaking SSM's JSON protocol (`X-Amz-Target: AmazonSSM.GetParameter`). */
const startFakeSsm = async () => {
  const requests: { target: string | undefined; body: Record<string, unknown> }[] = [];
  const answers: ({ status: number; body: unknown } | undefined)[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      requests.push({ target: request.headers["x-amz-target"] as string | undefined, body });
      const answer = answers.shift() ?? {
        status: 200,
        body: {
          Parameter: { Name: body.Name, Type: "SecureString", Value: SECRET, Version: 1, DataType: "text" },
        },
      };
      response
        .writeHead(answer.status, { "content-type": "application/x-amz-json-1.1" })
        .end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    answers,
    // What src/index.ts builds, pointed at this endpoint (AWS_ENDPOINT_URL_SSM), one attempt per read.
    read: createParameterReader({
      endpoint: `http://127.0.0.1:${port}`,
      region: "eu-west-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      retry: { maxAttempts: 1 },
    }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

describe("webhook URL from an SSM SecureString, against a local SSM endpoint", () => {
  let ssm: Awaited<ReturnType<typeof startFakeSsm>>;
  beforeAll(async () => {
    ssm = await startFakeSsm();
  });
  afterAll(async () => {
    await ssm.stop();
  });
  beforeEach(() => {
    ssm.requests.length = 0;
    ssm.answers.length = 0;
  });

  it("reads the parameter once, with decryption, and keeps it for the container's life", async () => {
    const url = ssmWebhookUrl(ssm.read, "/lambda-lab/dev/slack-webhook-url");

    const first = await url();
    const second = await url();

    expect([first, second]).toEqual([SECRET, SECRET]);
    expect(ssm.requests).toEqual([
      {
        target: "AmazonSSM.GetParameter",
        body: { Name: "/lambda-lab/dev/slack-webhook-url", WithDecryption: true },
      },
    ]);
  });

  it("names the parameter on failure and tries again on the next call", async () => {
    ssm.answers.push({ status: 400, body: { __type: "ParameterNotFound", message: "" } });
    const url = ssmWebhookUrl(ssm.read, "/lambda-lab/dev/missing");

    await expect(url()).rejects.toThrow(
      "could not read SSM parameter /lambda-lab/dev/missing: ParameterNotFound",
    );
    await expect(url()).resolves.toBe(SECRET);
    expect(ssm.requests).toHaveLength(2);
  });

  it("refuses a value that is not a URL without echoing it", async () => {
    ssm.answers.push({
      status: 200,
      body: { Parameter: { Name: "/p", Type: "SecureString", Value: "xoxb-not-a-url-SECRET", Version: 1 } },
    });

    const error = await rejection(ssmWebhookUrl(ssm.read, "/p")());

    expect(error.message).toBe("SSM parameter /p does not hold an http(s) URL");
    expect(error.message).not.toContain("SECRET");
  });
});
