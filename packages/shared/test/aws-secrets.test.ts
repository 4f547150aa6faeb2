import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createParameterReader, createSecretReader, SecretReadError } from "../src/aws-secrets.js";

/** A local endpoint speaking AWS's JSON protocol: records each call, answers from a queue. */
const calls: { target: string | undefined; contentType: string | undefined; body: unknown }[] = [];
let answers: { status: number; body: unknown }[] = [];
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (c: Buffer) => chunks.push(c));
  request.on("end", () => {
    calls.push({
      target: request.headers["x-amz-target"] as string | undefined,
      contentType: request.headers["content-type"],
      body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
    });
    const answer = answers.shift() ?? { status: 500, body: {} };
    response
      .writeHead(answer.status, { "content-type": "application/x-amz-json-1.1" })
      .end(JSON.stringify(answer.body));
  });
});
let endpoint = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  calls.length = 0;
  answers = [];
});

const options = () => ({
  endpoint,
  region: "eu-west-1",
  credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
  retry: { maxAttempts: 1 },
});

describe("SSM GetParameter over the JSON protocol", () => {
  it("asks for the decrypted value and returns it", async () => {
    answers = [
      { status: 200, body: { Parameter: { Name: "/lab/p", Type: "SecureString", Value: "v4lue" } } },
    ];

    const value = await createParameterReader(options())("/lab/p");

    expect(value).toBe("v4lue");
    expect(calls).toEqual([
      {
        target: "AmazonSSM.GetParameter",
        contentType: "application/x-amz-json-1.1",
        body: { Name: "/lab/p", WithDecryption: true },
      },
    ]);
  });

  it("names the parameter and SSM's error type, without a namespace", async () => {
    answers = [{ status: 400, body: { __type: "com.amazonaws.ssm#ParameterNotFound", message: "nope" } }];

    await expect(createParameterReader(options())("/lab/missing")).rejects.toThrow(
      new SecretReadError("could not read SSM parameter /lab/missing: ParameterNotFound: nope"),
    );
  });

  it("refuses an answer without a value", async () => {
    answers = [{ status: 200, body: { Parameter: { Name: "/lab/p" } } }];

    await expect(createParameterReader(options())("/lab/p")).rejects.toThrow(
      "SSM parameter /lab/p has no value",
    );
  });
});

describe("Secrets Manager GetSecretValue over the JSON protocol", () => {
  it("returns the secret string", async () => {
    answers = [{ status: 200, body: { ARN: "arn:s", SecretString: '{"username":"u","password":"p"}' } }];

    const value = await createSecretReader(options())("arn:aws:secretsmanager:eu-west-1:1:secret:rds");

    expect(JSON.parse(value)).toEqual({ username: "u", password: "p" });
    expect(calls[0]).toMatchObject({
      target: "secretsmanager.GetSecretValue",
      body: { SecretId: "arn:aws:secretsmanager:eu-west-1:1:secret:rds" },
    });
  });

  it("names the secret on AccessDenied and on a binary-only secret, never a value", async () => {
    answers = [
      { status: 400, body: { __type: "AccessDeniedException", Message: "not allowed" } },
      { status: 200, body: { ARN: "arn:s", SecretBinary: "c2VjcmV0" } },
    ];
    const read = createSecretReader(options());

    await expect(read("arn:s")).rejects.toThrow(
      "could not read secret arn:s: AccessDeniedException: not allowed",
    );
    await expect(read("arn:s")).rejects.toThrow("secret arn:s has no SecretString");
  });
});
