import { S3ServiceException } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { isTransientError } from "../../src/errors.js";

const s3Error = (name: string, httpStatusCode: number) =>
  new S3ServiceException({
    name,
    $fault: httpStatusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode },
  });

describe("isTransientError", () => {
  it.each([
    ["a 500", s3Error("InternalError", 500)],
    ["a 503 SlowDown", s3Error("SlowDown", 503)],
    ["a throttle without status", Object.assign(new Error("slow"), { name: "ThrottlingException" })],
    ["a 429", s3Error("TooManyRequests", 429)],
    ["a 400 RequestTimeout", s3Error("RequestTimeout", 400)],
    ["an SDK TimeoutError", Object.assign(new Error("timed out"), { name: "TimeoutError" })],
    ["a refused connection", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })],
    [
      "a socket reset wrapped as a cause",
      new Error("fetch failed", { cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }) }),
    ],
    [
      "an error the SDK marked retryable",
      Object.assign(new Error("x"), { $retryable: { throttling: true } }),
    ],
  ])("retries %s", (_label, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ["a 403 AccessDenied", s3Error("AccessDenied", 403)],
    ["a 404 NoSuchBucket", s3Error("NoSuchBucket", 404)],
    ["a plain bug", new TypeError("cannot read properties of undefined")],
    ["a string", "boom"],
    ["undefined", undefined],
  ])("does not retry %s", (_label, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});
