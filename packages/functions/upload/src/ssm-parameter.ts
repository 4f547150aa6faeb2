import { AwsClient } from "aws4fetch";
import type { SigningCredentials } from "./post-policy.js";

/** An SSM parameter could not be read. Names the parameter and SSM's error, never a value. */
export class ParameterReadError extends Error {
  override name = "ParameterReadError";
}

export interface ParameterReaderOptions {
  region: string;
  credentials: SigningCredentials;
  /** AWS_ENDPOINT_URL_SSM: a local SSM stand-in; unset in AWS, where the regional endpoint is used. */
  endpoint?: string | undefined;
  /** aws4fetch retries 5xx and 429 with backoff. */
  retries?: number;
}

/** SSM's JSON errors carry the type as `__type`, sometimes namespaced (`com.amazonaws.ssm#ParameterNotFound`). */
const errorOf = (body: unknown): string => {
  const record = (body ?? {}) as { __type?: unknown; message?: unknown; Message?: unknown };
  const type = typeof record.__type === "string" ? (record.__type.split("#").pop() ?? "") : "";
  const message = record.message ?? record.Message;
  return [type, typeof message === "string" ? message : ""].filter(Boolean).join(": ");
};

/**
 * `GetParameter` with decryption over SSM's JSON protocol (`X-Amz-Target: AmazonSSM.GetParameter`),
 * signed with aws4fetch like the S3 reads: the function keeps its bundle free of the SDK's clients.
 */
export const createParameterReader = (options: ParameterReaderOptions) => {
  const client = new AwsClient({
    accessKeyId: options.credentials.accessKeyId,
    secretAccessKey: options.credentials.secretAccessKey,
    ...(options.credentials.sessionToken ? { sessionToken: options.credentials.sessionToken } : {}),
    service: "ssm",
    region: options.region,
    retries: options.retries ?? 2,
  });
  const url = `${options.endpoint ?? `https://ssm.${options.region}.amazonaws.com`}/`;

  return async (name: string): Promise<string> => {
    let response: Response;
    try {
      response = await client.fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "AmazonSSM.GetParameter",
        },
        body: JSON.stringify({ Name: name, WithDecryption: true }),
      });
    } catch (error) {
      throw new ParameterReadError(`could not read SSM parameter ${name}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const detail = errorOf(body);
      throw new ParameterReadError(
        `could not read SSM parameter ${name}: HTTP ${response.status}${detail ? ` ${detail}` : ""}`,
      );
    }
    const value = (body as { Parameter?: { Value?: unknown } } | undefined)?.Parameter?.Value;
    if (typeof value !== "string" || value === "")
      throw new ParameterReadError(`SSM parameter ${name} has no value`);
    return value;
  };
};
