import { rm } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bundle, bundle } from "../../bench/bundle.js";
import type { HttpResponse } from "../../src/problem.js";
import { issueUploadToken } from "../../src/token.js";
import { makeCreateEvent } from "../support/events.js";
import { type FakeSsm, startFakeSsm } from "../support/fake-ssm.js";
import { STACK_SET_ENV } from "../support/stack-env.js";

const NAME = "/lambda-lab/prod/upload-auth-token";
const SECRET = "token-secret-read-from-ssm-0123456789abcdef";

let ssm: FakeSsm;
let built: Bundle;
let handler: (event: unknown) => Promise<HttpResponse>;
const saved = { ...process.env };

beforeAll(async () => {
  ssm = await startFakeSsm({ [NAME]: SECRET });
  built = await bundle({ path: fileURLToPath(new URL("../../src/index.ts", import.meta.url)) }, "token");
  // What the Pulumi program deploys: the parameter's name, never the secret (the SSM endpoint is local).
  Object.assign(process.env, {
    ...STACK_SET_ENV,
    BUCKET_NAME: "lab-images",
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "ASIAEXAMPLEKEY",
    AWS_SECRET_ACCESS_KEY: "example-secret-access-key",
    AWS_SESSION_TOKEN: "example-session-token",
    AUTH_MODE: "token",
    AUTH_TOKEN_PARAMETER: NAME,
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    POWERTOOLS_LOG_LEVEL: "ERROR",
  });
  delete process.env.AUTH_TOKEN_SECRET;
  ({ handler } = await import(pathToFileURL(built.file).href));
});

afterAll(async () => {
  process.env = saved;
  await ssm?.stop();
  if (built) await rm(dirname(built.file), { recursive: true, force: true });
});

describe("the bundled function with its token secret in SSM", () => {
  it("reads the parameter once, at init, with decryption", () => {
    expect(ssm.requests.map((r) => [r.headers["x-amz-target"], JSON.parse(r.body)])).toEqual([
      ["AmazonSSM.GetParameter", { Name: NAME, WithDecryption: true }],
    ]);
  });

  it("accepts a token signed with the parameter's secret and refuses one signed with another", async () => {
    const request = { contentType: "image/jpeg", size: 1000 };
    const good = issueUploadToken(SECRET, { subject: "user-42", ttlSeconds: 60 });
    const forged = issueUploadToken("another-secret-of-at-least-32-characters", {
      subject: "user-42",
      ttlSeconds: 60,
    });

    const accepted = await handler(makeCreateEvent(request, { authorization: `Bearer ${good}` }));
    const refused = await handler(makeCreateEvent(request, { authorization: `Bearer ${forged}` }));

    expect(accepted.statusCode).toBe(201);
    expect(JSON.parse(accepted.body).fields["x-amz-meta-owner"]).toBe("user-42");
    expect(refused.statusCode).toBe(401);
    expect(ssm.requests).toHaveLength(1);
  });
});
