import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PAYLOAD_LIMITS } from "../../src/lessons/payload-limit.js";
import { lambdaInvokeApi } from "../../src/server/lambda-api.js";
import { fakeFunctions, invocationRecord, throttled } from "../support/fake-functions.js";

/**
 * The Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`) over fake functions: the status
 * codes, error types and headers AWS documents for Invoke
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html), without starting a worker.
 */

let server: Server | undefined;

const serve = async (functions = fakeFunctions()) => {
  const api = lambdaInvokeApi(functions);
  server = createServer((req, res) => void api(req, res));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const invoke = (name: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/2015-03-31/functions/${encodeURIComponent(name)}/invocations`, {
      method: "POST",
      body,
      headers,
    });
  return { functions, invoke, base };
};

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe("the Lambda Invoke API", () => {
  it("finds a function by id, by its deployed name and by its ARN (with or without $LATEST)", async () => {
    const { invoke, functions } = await serve();
    for (const name of [
      "upload",
      "lambda-lab-dev-upload",
      "arn:aws:lambda:eu-west-1:000000000000:function:lambda-lab-dev-upload",
      "arn:aws:lambda:eu-west-1:000000000000:function:lambda-lab-dev-upload:$LATEST",
    ]) {
      const response = await invoke(name, '{"a":1}');
      expect(response.status, name).toBe(200);
    }
    expect(functions.calls.map((c) => c.functionId)).toEqual(["upload", "upload", "upload", "upload"]);
    expect(functions.calls[0]?.payload).toBe('{"a":1}');
  });

  it("answers 404 ResourceNotFoundException naming the functions it has", async () => {
    const { invoke } = await serve();
    const response = await invoke("nope", "{}");
    expect(response.status).toBe(404);
    expect(response.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
    expect(await response.json()).toMatchObject({
      message: expect.stringMatching(/nope.*upload, orphan-cleanup/),
    });
  });

  it("refuses a body that is not JSON with 400 InvalidRequestContentException, and invokes nothing", async () => {
    const { invoke, functions } = await serve();
    const response = await invoke("upload", "{not json");
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")).toBe("InvalidRequestContentException");
    expect(functions.calls).toEqual([]);
  });

  it("treats an empty body as {} (the SDK sends none when Payload is omitted)", async () => {
    const { invoke, functions } = await serve();
    expect((await invoke("upload", "")).status).toBe(200);
    expect(functions.calls[0]?.payload).toBe("{}");
  });

  it("DryRun validates and answers 204 without invoking; Event queues and answers 202 with the request id", async () => {
    const { invoke, functions } = await serve();
    const dry = await invoke("upload", "{}", { "x-amz-invocation-type": "DryRun" });
    expect(dry.status).toBe(204);
    expect(functions.calls).toEqual([]);

    const event = await invoke("upload", '{"b":2}', { "x-amz-invocation-type": "Event" });
    expect(event.status).toBe(202);
    expect(event.headers.get("x-amzn-requestid")).toBe("async-1");
    expect(functions.calls).toMatchObject([
      { kind: "invokeAsync", functionId: "upload", payload: '{"b":2}' },
    ]);
  });

  it("marks a function error with X-Amz-Function-Error: Unhandled and still answers 200 with the error", async () => {
    const failing = fakeFunctions(["upload"], () =>
      invocationRecord({ status: "error", body: '{"errorType":"Error","errorMessage":"boom"}' }),
    );
    const { invoke } = await serve(failing);
    const response = await invoke("upload", "{}");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-amz-function-error")).toBe("Unhandled");
    expect(await response.json()).toEqual({ errorType: "Error", errorMessage: "boom" });
  });

  it("answers 429 TooManyRequestsException with the reason when the runtime throttles", async () => {
    const { invoke } = await serve(fakeFunctions(["upload"], (id) => throttled(id)));
    const response = await invoke("upload", "{}");
    expect(response.status).toBe(429);
    expect(response.headers.get("x-amzn-errortype")).toBe("TooManyRequestsException");
    expect(await response.json()).toMatchObject({
      Type: "User",
      Reason: "ReservedFunctionConcurrentInvocationLimitExceeded",
    });
  });

  it("returns the log tail (base64, START…REPORT) with LogType: Tail, and passes the client context on", async () => {
    const { invoke, functions } = await serve();
    const context = Buffer.from('{"custom":{"who":"test"}}').toString("base64");
    const response = await invoke("upload", "{}", {
      "x-amz-log-type": "Tail",
      "x-amz-client-context": context,
    });
    const tail = Buffer.from(response.headers.get("x-amz-log-result") ?? "", "base64").toString("utf8");
    expect(tail.split("\n")).toEqual([
      "START RequestId: req-1 Version: $LATEST",
      "hello from the handler",
      "END RequestId: req-1",
      "REPORT RequestId: req-1\tDuration: 12.50 ms\tBilled Duration: 13 ms",
      "",
    ]);
    expect(functions.calls[0]?.options).toMatchObject({ clientContext: '{"custom":{"who":"test"}}' });
  });

  it("refuses a synchronous payload over 6 MB with 413 RequestEntityTooLargeException", async () => {
    const { invoke, functions } = await serve();
    const big = JSON.stringify({ data: "x".repeat(PAYLOAD_LIMITS.RequestResponse) });
    const response = await invoke("upload", big);
    expect(response.status).toBe(413);
    expect(response.headers.get("x-amzn-errortype")).toBe("RequestEntityTooLargeException");
    expect(functions.calls).toEqual([]);
  });

  it("answers 404 UnknownOperationException for anything but POST …/invocations", async () => {
    const { base } = await serve();
    const response = await fetch(`${base}/2015-03-31/functions/upload/invocations`);
    expect(response.status).toBe(404);
    expect(response.headers.get("x-amzn-errortype")).toBe("UnknownOperationException");
  });
});
