import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { createCloudWatchAlertsLog } from "./adapters/cloudwatch-log.js";
import { createLambdaInvoker } from "./adapters/lambda-invoker.js";
import { createS3Reader } from "./adapters/s3-reader.js";
import { createSnsPublisher } from "./adapters/sns-publisher.js";
import { createSsmSecret } from "./adapters/ssm-secret.js";
import type { StackOutputs } from "./outputs.js";
import type { SmokeTarget } from "./smoke.js";

export type AwsService = "lambda" | "s3" | "sns" | "logs" | "ssm";

export interface AwsTargetOptions {
  label: string;
  outputs: StackOutputs;
  region: string;
  /** Overrides the uploadTokenParameterName output (until the program exports it). */
  tokenParameter?: string | undefined;
  /** Endpoint overrides (tests, local stand-ins); the SDK also honours AWS_ENDPOINT_URL_<SERVICE>. */
  endpoints?: Partial<Record<AwsService, string>>;
}

/**
 * Lambda's Invoke answers when the function returns: orphan-cleanup may run up to Lambda's 15-minute limit,
 * so the socket may stay quiet that long (AWS asks clients to wait at least the function's timeout).
 */
const INVOKE_TIMEOUT_MS = 15 * 60_000 + 30_000;
const API_TIMEOUT_MS = 30_000;

/**
 * smithy's requestTimeout only warns unless throwOnRequestTimeout is set (its NodeHttpHandlerOptions); a hung
 * request must become a TimeoutError the table can explain (test/unit/causes.test.ts drives a real one).
 */
export const sdkHandler = (requestTimeout: number) => ({
  connectionTimeout: 10_000,
  requestTimeout,
  throwOnRequestTimeout: true,
});

/** The region in an ARN (`arn:aws:sns:eu-west-1:…`), for a runner without AWS_REGION. */
export const regionOfArn = (arn: string): string | undefined => arn.split(":")[3] || undefined;

/** A deployed stack: the SDK's default credential chain (the workflow's OIDC role, or AWS_PROFILE). */
export const awsTarget = (options: AwsTargetOptions): SmokeTarget => {
  const { outputs, region } = options;
  const common = (service: AwsService) => ({
    region,
    ...(options.endpoints?.[service] ? { endpoint: options.endpoints[service] } : {}),
    requestHandler: sdkHandler(API_TIMEOUT_MS),
  });
  const lambda = new LambdaClient({
    ...common("lambda"),
    requestHandler: sdkHandler(INVOKE_TIMEOUT_MS),
    // A retried RequestResponse invoke would run a batch function twice.
    maxAttempts: 1,
  });
  const s3 = new S3Client(common("s3"));
  const sns = new SNSClient(common("sns"));
  const logs = new CloudWatchLogsClient(common("logs"));
  const ssm = new SSMClient(common("ssm"));
  const tokenParameter = options.tokenParameter ?? outputs.uploadTokenParameterName;
  return {
    label: options.label,
    outputs,
    ports: {
      tokenSecret: tokenParameter ? createSsmSecret(ssm, tokenParameter) : undefined,
      objects: createS3Reader(s3, outputs.bucketName),
      functions: createLambdaInvoker(lambda),
      alarms: createSnsPublisher(sns, outputs.alertsTopicArn),
      alertsLog: createCloudWatchAlertsLog(logs, `/aws/lambda/${outputs.functionNames.alerts}`),
      fetch,
    },
    close: () => {
      for (const client of [lambda, s3, sns, logs, ssm]) client.destroy();
    },
  };
};
