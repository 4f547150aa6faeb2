import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ResourceNotFoundException as LogGroupNotFound } from "@aws-sdk/client-cloudwatch-logs";
import {
  EFSMountConnectivityException,
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
  TooManyRequestsException,
} from "@aws-sdk/client-lambda";
import { NoSuchBucket, S3ServiceException } from "@aws-sdk/client-s3";
import { AuthorizationErrorException, NotFoundException } from "@aws-sdk/client-sns";
import { ParameterNotFound } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sdkHandler } from "../../src/aws-target.js";
import {
  diagnose,
  diagnoseFunctionError,
  diagnoseS3Post,
  diagnoseUploadApi,
  parseDenial,
  SmokeFailure,
  type Where,
} from "../../src/causes.js";

const $metadata = {};
const fnWhere: Where = {
  service: "lambda",
  resource: "lambda-lab-dev-orphan-cleanup",
  action: "lambda:InvokeFunction",
};

describe("IAM denials", () => {
  it("reads the action, resource and reason from IAM's message", () => {
    // The documented shape: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
    const message =
      'User: arn:aws:sts::123456789012:assumed-role/lambda-lab-smoke/gha is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::lambda-lab-dev-images/variants/2026/11/25/X/manifest.json" because no identity-based policy allows the s3:GetObject action';
    expect(parseDenial(message)).toEqual({
      principal: "arn:aws:sts::123456789012:assumed-role/lambda-lab-smoke/gha",
      action: "s3:GetObject",
      resource: "arn:aws:s3:::lambda-lab-dev-images/variants/2026/11/25/X/manifest.json",
      because: "no identity-based policy allows the s3:GetObject action",
    });
  });

  it("reads an explicit deny in a service control policy", () => {
    const denial = parseDenial(
      "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: sns:Publish on resource: arn:aws:sns:eu-west-1:123456789012:alarms with an explicit deny in a service control policy",
    );
    expect(denial).toMatchObject({
      action: "sns:Publish",
      because: "with an explicit deny in a service control policy",
    });
  });

  it("turns an S3 AccessDenied (403) into the IAM statement the runner needs, on the resource IAM named", () => {
    const error = new S3ServiceException({
      name: "AccessDenied",
      $fault: "client",
      $metadata: { httpStatusCode: 403 },
      message:
        'User: arn:aws:sts::123456789012:assumed-role/smoke/gha is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/variants/k" because no identity-based policy allows the s3:GetObject action',
    });
    const { cause } = diagnose(error, { service: "s3", resource: "b/variants/k", action: "s3:GetObject" });
    expect(cause).toBe(
      "IAM: the smoke runner's role needs an Allow for s3:GetObject on arn:aws:s3:::b/variants/k (no identity-based policy allows the s3:GetObject action)",
    );
  });

  it("falls back to the step's action and resource when the message names none", () => {
    const error = new AuthorizationErrorException({ message: "Not authorized", $metadata });
    const { cause } = diagnose(error, {
      service: "sns",
      resource: "arn:aws:sns:eu-west-1:1:alarms",
      action: "sns:Publish",
    });
    expect(cause).toContain("sns:Publish on arn:aws:sns:eu-west-1:1:alarms");
  });
});

describe("SDK errors", () => {
  it.each([
    [
      new ResourceNotFoundException({ message: "Function not found: x", $metadata }),
      fnWhere,
      "functionNames output",
    ],
    [new TooManyRequestsException({ message: "Rate Exceeded.", $metadata }), fnWhere, "reserved concurrency"],
    [new EFSMountConnectivityException({ message: "timeout", $metadata }), fnWhere, "TCP 2049"],
    [
      new NoSuchBucket({ message: "The specified bucket does not exist", $metadata }),
      { service: "s3", resource: "b/k" },
      "wrong bucketName output",
    ],
    [
      new ParameterNotFound({ message: "", $metadata }),
      { service: "ssm", resource: "/lambda-lab/prod/upload-auth-token" },
      "--token-parameter",
    ],
    [
      new NotFoundException({ message: "Topic does not exist", $metadata }),
      { service: "sns", resource: "arn:aws:sns:eu-west-1:1:t" },
      "alertsTopicArn output",
    ],
    [
      new LogGroupNotFound({ message: "The specified log group does not exist.", $metadata }),
      { service: "logs", resource: "/aws/lambda/x" },
      "log group",
    ],
  ] as const)("%s → its cause", (error, where, expected) => {
    expect(diagnose(error, where as Where).cause).toContain(expected);
  });

  it("blames missing or expired credentials on the runner, not on IAM", () => {
    const error = Object.assign(new Error("Could not load credentials from any providers"), {
      name: "CredentialsProviderError",
    });
    expect(diagnose(error, fnWhere).cause).toContain("configure-aws-credentials");
  });

  it("passes a step's own diagnosis through", () => {
    const failure = new SmokeFailure({ problem: "p", cause: "c" });
    expect(diagnose(failure, fnWhere)).toEqual({ problem: "p", cause: "c" });
  });
});

describe("network failures (real sockets)", () => {
  let silent: Server;
  let silentUrl: string;
  let closedUrl: string;
  beforeAll(async () => {
    // A server that accepts and never answers: what an unreachable VPC endpoint looks like from a client.
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const closing = createServer();
    await new Promise<void>((resolve) => closing.listen(0, "127.0.0.1", resolve));
    closedUrl = `http://127.0.0.1:${(closing.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  });
  afterAll(() => {
    silent.closeAllConnections();
    silent.close();
  });

  it("a refused connection (fetch) is a wrong URL", async () => {
    const error = await fetch(`${closedUrl}/uploads`).catch((e: unknown) => e);
    expect(diagnose(error, { service: "upload-api", resource: `${closedUrl}/uploads` })).toEqual({
      problem: `${closedUrl}/uploads: connection refused`,
      cause: "nothing listens there: a wrong URL or endpoint in the outputs, or the service is not running",
    });
  });

  it("a request that never gets an answer (fetch) is a timeout: VPC/NAT/endpoint", async () => {
    const error = await fetch(silentUrl, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect(diagnose(error, { service: "upload-api", resource: silentUrl }).cause).toMatch(
      /^timeout: .*VPC\/NAT\/endpoint/,
    );
  });

  it("the SDK's own timeout is a timeout too (with the handler options awsTarget uses)", async () => {
    const client = new LambdaClient({
      region: "eu-west-1",
      endpoint: silentUrl,
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      maxAttempts: 1,
      requestHandler: sdkHandler(100),
    });
    const error = await client.send(new InvokeCommand({ FunctionName: "f" })).catch((e: unknown) => e);
    client.destroy();
    expect(diagnose(error, fnWhere).cause).toMatch(/^timeout: /);
  });

  it("an SDK call to a closed endpoint is a refused connection", async () => {
    const client = new LambdaClient({
      region: "eu-west-1",
      endpoint: closedUrl,
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      maxAttempts: 1,
    });
    const error = await client.send(new InvokeCommand({ FunctionName: "f" })).catch((e: unknown) => e);
    client.destroy();
    expect(diagnose(error, fnWhere).problem).toBe("lambda-lab-dev-orphan-cleanup: connection refused");
  });

  it("fetch's own refusal says what fetch said", async () => {
    // Port 1 is on fetch's bad-port list: undici refuses before connecting.
    const error = await fetch("http://127.0.0.1:1/").catch((e: unknown) => e);
    expect(diagnose(error, { service: "upload-api", resource: "http://127.0.0.1:1/" }).problem).toBe(
      "http://127.0.0.1:1/: fetch failed: bad port",
    );
  });
});

describe("function errors (the payloads Lambda returns with X-Amz-Function-Error)", () => {
  it("a timeout points at the VPC: NAT, endpoints, security groups", () => {
    const { cause } = diagnoseFunctionError("lambda-lab-dev-daily-stats", {
      errorType: "Sandbox.Timedout",
      errorMessage: "RequestId: 3f9c8d2e Error: Task timed out after 120.00 seconds",
    });
    expect(cause).toMatch(/^timeout: a VPC function .*NAT gateway or interface endpoint/);
  });

  it("a module that cannot be imported is the zip-root 502", () => {
    const { cause } = diagnoseFunctionError("lambda-lab-dev-upload", {
      errorType: "Runtime.ImportModuleError",
      errorMessage: "Error: Cannot find module 'index'\nRequire stack:\n- /var/runtime/index.mjs",
    });
    expect(cause).toContain("not at the zip root");
  });

  it("an AccessDenied inside the function names the function's role and the action", () => {
    const { cause } = diagnoseFunctionError("lambda-lab-dev-orphan-cleanup", {
      errorType: "AccessDenied",
      errorMessage:
        'User: arn:aws:sts::123456789012:assumed-role/orphan-cleanup-role/lambda-lab-dev-orphan-cleanup is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::lambda-lab-dev-images" because no identity-based policy allows the s3:ListBucket action',
    });
    expect(cause).toBe(
      "IAM: lambda-lab-dev-orphan-cleanup's role needs an Allow for s3:ListBucket on arn:aws:s3:::lambda-lab-dev-images (no identity-based policy allows the s3:ListBucket action)",
    );
  });

  it("a database connection timeout points at security groups and subnets", () => {
    // node-postgres's message for connectionTimeoutMillis.
    const { cause } = diagnoseFunctionError("f", {
      errorType: "Error",
      errorMessage: "Connection terminated due to connection timeout",
    });
    expect(cause).toContain("security groups");
  });

  it("a name that does not resolve inside the VPC points at the endpoint's private DNS", () => {
    const { cause } = diagnoseFunctionError("f", {
      errorType: "Error",
      errorMessage: "getaddrinfo ENOTFOUND secretsmanager.eu-west-1.amazonaws.com",
    });
    expect(cause).toContain("private DNS");
  });

  it("anything else sends you to the function's log group", () => {
    expect(
      diagnoseFunctionError("f", { errorType: "TypeError", errorMessage: "x is not a function" }).cause,
    ).toBe("the handler threw: see /aws/lambda/f");
  });
});

describe("upload API answers", () => {
  const ctx = { functionName: "lambda-lab-dev-upload", tokenSent: true };
  const answer = (status: number, body: string, headers: Record<string, string> = {}) => ({
    status,
    body,
    headers,
  });
  // API Gateway's bodies for Lambda integration failures:
  // https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html
  const gatewayError = '{"message":"Internal Server Error"}';

  it("502 is the function failing: the zip root or an init error", () => {
    expect(diagnoseUploadApi("POST u", answer(502, gatewayError), ctx).cause).toContain(
      "handler not at the zip root",
    );
  });

  it("500 from API Gateway is an invocation Lambda rejected: the invoke permission, or a throttle", () => {
    expect(diagnoseUploadApi("POST u", answer(500, gatewayError), ctx).cause).toContain(
      "lambda:InvokeFunction",
    );
  });

  it("500 from the function itself is its S3 reads, and says why a 403 there is ListBucket", () => {
    const body = JSON.stringify({
      type: "urn:lambda-lab:upload:problem:internal",
      title: "Internal error",
      status: 500,
    });
    expect(diagnoseUploadApi("GET u", answer(500, body), ctx).cause).toContain("s3:ListBucket");
  });

  it("401 token-bad-signature is a secret that differs from the function's", () => {
    const body = JSON.stringify({ type: "urn:lambda-lab:upload:problem:token-bad-signature", status: 401 });
    expect(diagnoseUploadApi("POST u", answer(401, body), ctx).cause).toContain(
      "not the one the upload function verifies with",
    );
  });

  it("401 token-missing asks for the token parameter", () => {
    const body = JSON.stringify({ type: "urn:lambda-lab:upload:problem:token-missing", status: 401 });
    expect(diagnoseUploadApi("POST u", answer(401, body), { ...ctx, tokenSent: false }).cause).toContain(
      "uploadTokenParameterName",
    );
  });

  it("the lab's x-lab-lambda-error header is named in the cause", () => {
    const { cause } = diagnoseUploadApi(
      "POST u",
      answer(500, gatewayError, { "x-lab-lambda-error": "Sandbox.Timedout" }),
      ctx,
    );
    expect(cause).toContain("Sandbox.Timedout");
  });
});

describe("S3 answers to the presigned POST", () => {
  // S3's XML error body (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
  const xml = (code: string, message: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>R</RequestId></Error>`;
  const post = (status: number, body: string) => ({ status, body, headers: {} });

  it("AccessDenied is the upload function's role (it signed the form)", () => {
    const d = diagnoseS3Post(
      "https://b.s3.eu-west-1.amazonaws.com",
      post(403, xml("AccessDenied", "Access Denied")),
      "lambda-lab-dev-upload",
    );
    expect(d.problem).toBe(
      "POST https://b.s3.eu-west-1.amazonaws.com answered 403 AccessDenied: Access Denied",
    );
    expect(d.cause).toContain(
      "lambda-lab-dev-upload's role credentials, which need s3:PutObject on uploads/*",
    );
  });

  it("a failed policy condition is the form, not IAM", () => {
    const d = diagnoseS3Post(
      "u",
      post(
        403,
        xml("AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "a"]'),
      ),
      "f",
    );
    expect(d.cause).toContain("signed policy");
  });

  it("ExpiredToken is the signing role session", () => {
    expect(
      diagnoseS3Post("u", post(400, xml("ExpiredToken", "The provided token has expired.")), "f").cause,
    ).toContain("expired");
  });
});
