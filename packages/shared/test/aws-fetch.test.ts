import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AwsConfigError, createAwsFetch } from "../src/aws-fetch.js";

interface Answer {
  status: number;
  body?: string;
}

/** A local HTTP server answering from a queue (then 200), recording each request's headers. */
let answers: Answer[] = [];
let seen: IncomingMessage["headers"][] = [];
let url = "";
const server = createServer((request, response) => {
  seen.push(request.headers);
  request.resume().on("end", () => {
    const answer = answers.shift() ?? { status: 200, body: "ok" };
    response.writeHead(answer.status).end(answer.body ?? "");
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bucket/key`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  answers = [];
  seen = [];
});

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token" };
const waits: number[] = [];
const fetchWith = (maxAttempts = 3) =>
  createAwsFetch({
    service: "s3",
    region: "eu-west-1",
    credentials,
    retry: {
      maxAttempts,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 1,
    },
  });

describe("createAwsFetch: the SDK's standard retries around a signed fetch", () => {
  beforeEach(() => {
    waits.length = 0;
  });

  it("signs each attempt and retries throttling and server faults with exponential backoff", async () => {
    answers = [{ status: 503, body: "<Error><Code>SlowDown</Code></Error>" }, { status: 500 }];

    const response = await fetchWith()(url, { method: "GET" });

    expect(response.status).toBe(200);
    expect(seen).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
    for (const headers of seen) {
      expect(headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\//,
      );
      expect(headers["x-amz-security-token"]).toBe("token");
    }
  });

  it("retries a 400 only for the timeout and throttling codes, and keeps any other 400's body", async () => {
    answers = [
      { status: 400, body: "<Error><Code>RequestTimeout</Code></Error>" },
      { status: 400, body: "<Error><Code>InvalidArgument</Code></Error>" },
    ];

    const response = await fetchWith()(url, { method: "GET" });

    expect(seen).toHaveLength(2);
    expect(response.status).toBe(400);
    expect(await response.text()).toBe("<Error><Code>InvalidArgument</Code></Error>");
  });

  it("returns a refusal at once: a 403 is not worth a second attempt", async () => {
    answers = [{ status: 403, body: "<Error><Code>AccessDenied</Code></Error>" }];

    const response = await fetchWith()(url, { method: "GET" });

    expect([response.status, seen.length, waits.length]).toEqual([403, 1, 0]);
  });

  it("gives the last answer after the last attempt", async () => {
    answers = [{ status: 503 }, { status: 503 }, { status: 503 }];

    const response = await fetchWith()(url, { method: "GET" });

    expect([response.status, seen.length]).toEqual([503, 3]);
  });

  it("retries a connection that is refused, then throws the network error", async () => {
    // A port that was free a moment ago (fetch refuses well-known ports such as 9 before connecting).
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const closed = `http://127.0.0.1:${port}/bucket/key`;

    const error = await fetchWith()(closed, { method: "GET" }).then(
      () => undefined,
      (e: unknown) => e as Error & { cause?: { code?: string } },
    );

    expect(error?.cause?.code).toBe("ECONNREFUSED");
    expect(waits).toEqual([100, 200]);
  });

  it("fails the first call, not the construction, when the credentials or the region are missing", async () => {
    const noKeys = createAwsFetch({ service: "s3", region: "eu-west-1", credentials: {} });
    const noRegion = createAwsFetch({ service: "s3", region: undefined, credentials });

    await expect(noKeys(url, { method: "GET" })).rejects.toThrow(AwsConfigError);
    await expect(noKeys(url, { method: "GET" })).rejects.toThrow(
      /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
    await expect(noRegion(url, { method: "GET" })).rejects.toThrow(/AWS_REGION is not set/);
    expect(seen).toHaveLength(0);
  });
});
