import { AwsConfigError, type AwsCredentials, createAwsFetch, type RetryOptions } from "./aws-fetch.js";

/** A secret could not be read. Names the secret and AWS's error, never a value. */
export class SecretReadError extends Error {
  override name = "SecretReadError";
}

export interface AwsJsonOptions {
  /** AWS_REGION; checked at the first call, as the SDK does. */
  region: string | undefined;
  /** The role's credentials from the environment; checked at the first call. */
  credentials: Partial<AwsCredentials>;
  /** A service-specific endpoint (AWS_ENDPOINT_URL_SSM, …); unset in AWS: the regional endpoint. */
  endpoint?: string | undefined;
  retry?: Partial<RetryOptions>;
}

/** AWS JSON errors carry the type as `__type`, sometimes namespaced (`com.amazonaws.ssm#ParameterNotFound`). */
const errorOf = (body: unknown): string => {
  const record = (body ?? {}) as { __type?: unknown; message?: unknown; Message?: unknown };
  const type = typeof record.__type === "string" ? (record.__type.split("#").pop() ?? "") : "";
  const message = record.message ?? record.Message;
  return [type, typeof message === "string" ? message : ""].filter(Boolean).join(": ");
};

/** One call of an AWS JSON-protocol API (SSM and Secrets Manager speak `application/x-amz-json-1.1`). */
const jsonCall = (service: string, targetPrefix: string, options: AwsJsonOptions) => {
  const send = createAwsFetch({
    service,
    region: options.region,
    credentials: options.credentials,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const url = `${(options.endpoint ?? `https://${service}.${options.region}.amazonaws.com`).replace(/\/+$/, "")}/`;
  // A missing region or credential is a configuration error, not a failed read: let it through as is.
  return async (operation: string, input: unknown, what: string): Promise<unknown> => {
    let response: Response;
    try {
      response = await send(url, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": `${targetPrefix}.${operation}`,
        },
        body: JSON.stringify(input),
      });
    } catch (error) {
      if (error instanceof AwsConfigError) throw error;
      throw new SecretReadError(
        `could not read ${what}: ${(error as Error).name}: ${(error as Error).message}`,
      );
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
      throw new SecretReadError(`could not read ${what}: ${detail || `HTTP ${response.status}`}`);
    }
    return body;
  };
};

/**
 * SSM `GetParameter` with decryption (a SecureString's plain value), over SSM's JSON protocol
 * (`X-Amz-Target: AmazonSSM.GetParameter`), signed with aws4fetch instead of the SDK's SSM client.
 */
export const createParameterReader = (options: AwsJsonOptions) => {
  const call = jsonCall("ssm", "AmazonSSM", options);
  return async (name: string): Promise<string> => {
    const body = await call("GetParameter", { Name: name, WithDecryption: true }, `SSM parameter ${name}`);
    const value = (body as { Parameter?: { Value?: unknown } } | undefined)?.Parameter?.Value;
    if (typeof value !== "string" || value === "")
      throw new SecretReadError(`SSM parameter ${name} has no value`);
    return value;
  };
};

/**
 * Secrets Manager `GetSecretValue` (`X-Amz-Target: secretsmanager.GetSecretValue`): the secret string,
 * e.g. the RDS-managed master secret the batch functions connect with.
 */
export const createSecretReader = (options: AwsJsonOptions) => {
  const call = jsonCall("secretsmanager", "secretsmanager", options);
  return async (secretId: string): Promise<string> => {
    const body = await call("GetSecretValue", { SecretId: secretId }, `secret ${secretId}`);
    const value = (body as { SecretString?: unknown } | undefined)?.SecretString;
    if (typeof value !== "string" || value === "")
      throw new SecretReadError(`secret ${secretId} has no SecretString`);
    return value;
  };
};
