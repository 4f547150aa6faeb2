// The reader is shared's (also used by alerts); this suite checks it as the upload function uses it.
import { createParameterReader, SecretReadError as ParameterReadError } from "@lambda-lab/shared";
import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeSsm, type SsmRequest, startFakeSsm } from "../support/fake-ssm.js";

const NAME = "/lambda-lab/prod/upload-auth-token";
const SECRET = "0123456789abcdef0123456789abcdef-SECRET";
const CREDENTIALS = {
  accessKeyId: "ASIAEXAMPLEKEY",
  secretAccessKey: "example-secret-access-key",
  sessionToken: "example-session-token",
};

/**
 * Re-signs what the server received with the AWS SDK's own SigV4 signer, over exactly the headers the
 * request says it signed (as AWS verifies it): equal signatures mean AWS would accept the signature for
 * service `ssm` in `region`.
 */
const sdkSignatureOf = async (request: SsmRequest, region: string): Promise<string> => {
  const authorization = String(request.headers.authorization);
  const signed = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(";") ?? [];
  const headers = Object.fromEntries(signed.map((name) => [name, String(request.headers[name])]));
  const amzDate = String(request.headers["x-amz-date"]);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const [hostname, port] = String(request.headers.host).split(":");
  const signer = new SignatureV4({
    credentials: CREDENTIALS,
    region,
    service: "ssm",
    sha256: Sha256,
    // No x-amz-content-sha256 of its own: only the request's signed headers count.
    applyChecksum: false,
  });
  const resigned = await signer.sign(
    {
      method: request.method,
      protocol: "http:",
      hostname: hostname ?? "",
      port: Number(port),
      path: request.path,
      query: {},
      headers,
      body: request.body,
    },
    { signingDate },
  );
  return String(resigned.headers.authorization);
};

describe("GetParameter over SSM's JSON protocol, against a local SSM endpoint", () => {
  let ssm: FakeSsm;
  beforeAll(async () => {
    ssm = await startFakeSsm({ [NAME]: SECRET });
  });
  afterAll(async () => {
    await ssm.stop();
  });
  beforeEach(() => {
    ssm.requests.length = 0;
    ssm.answers.length = 0;
  });
  const reader = () =>
    createParameterReader({
      region: "eu-west-1",
      credentials: CREDENTIALS,
      endpoint: ssm.endpoint,
      retry: { maxAttempts: 1 },
    });

  it("reads the SecureString with decryption, in a request the SDK's signer signs the same way", async () => {
    // Act
    const value = await reader()(NAME);

    // Assess
    expect(value).toBe(SECRET);
    const [request] = ssm.requests;
    expect(request).toBeDefined();
    if (!request) return;
    expect(request.method).toBe("POST");
    expect(request.headers["x-amz-target"]).toBe("AmazonSSM.GetParameter");
    expect(request.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(request.headers["x-amz-security-token"]).toBe(CREDENTIALS.sessionToken);
    expect(JSON.parse(request.body)).toEqual({ Name: NAME, WithDecryption: true });
    expect(String(request.headers.authorization)).toContain("/eu-west-1/ssm/aws4_request");
    expect(request.headers.authorization).toBe(await sdkSignatureOf(request, "eu-west-1"));
  });

  it.each([
    [{ __type: "ParameterNotFound", message: "" }, 400, "ParameterNotFound"],
    [
      {
        __type: "com.amazon.coral.service#AccessDeniedException",
        message: "User is not authorized to perform: ssm:GetParameter",
      },
      400,
      "AccessDeniedException: User is not authorized to perform: ssm:GetParameter",
    ],
  ])("names the parameter and SSM's error (%j)", async (body, status, expected) => {
    ssm.answers.push({ status, body });

    const error = await reader()(NAME).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ParameterReadError);
    expect((error as Error).message).toBe(`could not read SSM parameter ${NAME}: ${expected}`);
  });

  it("refuses an answer without a value", async () => {
    ssm.answers.push({ status: 200, body: { Parameter: { Name: NAME, Type: "SecureString" } } });

    await expect(reader()(NAME)).rejects.toThrow(`SSM parameter ${NAME} has no value`);
  });

  it("reports an unreachable endpoint by the parameter's name", async () => {
    const unreachable = createParameterReader({
      region: "eu-west-1",
      credentials: CREDENTIALS,
      endpoint: "http://127.0.0.1:1",
      retry: { maxAttempts: 1 },
    });

    await expect(unreachable(NAME)).rejects.toThrow(`could not read SSM parameter ${NAME}: `);
  });
});
