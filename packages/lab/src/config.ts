import { readFileSync } from "node:fs";
import { toEnvironment as alertsEnvironment } from "@lambda-lab/alerts/environment";
import { type CatalogId, functionNameOf } from "@lambda-lab/catalog";
import { toEnvironment as dailyStatsEnvironment } from "@lambda-lab/daily-stats/environment";
import {
  ASYNC_RETRY_ATTEMPTS,
  bucketNameOf,
  FUNCTION_IDS,
  type FunctionId,
  readStackConfigFile,
  type StackConfig,
  stackConfigPath,
} from "@lambda-lab/infra/stack-config";
import { toEnvironment as orphanCleanupEnvironment } from "@lambda-lab/orphan-cleanup/environment";
import { IMAGE_TYPES } from "@lambda-lab/shared";
import { toEnvironment as transformEnvironment } from "@lambda-lab/transform/environment";
import { toEnvironment as uploadEnvironment } from "@lambda-lab/upload/environment";
import { parse as parseYaml } from "yaml";

export { FUNCTION_IDS, type FunctionId };

/** The account id the lab writes into ARNs: AWS's documentation placeholder, never a real account. */
export const LAB_ACCOUNT_ID = "000000000000";

/** Where Lambda's architecture names meet Node's: the artifact folder of this machine. */
export const machineArch = (): "x64" | "arm64" => {
  if (process.arch === "x64" || process.arch === "arm64") return process.arch;
  throw new Error(
    `Lambda runs x64 or arm64; this machine is ${process.arch}, so the lab cannot run its artifacts`,
  );
};

/** The stack configuration as the lab uses it: the same file the Pulumi program reads, plus its region. */
export interface LabStack {
  config: StackConfig;
  region: string;
  /** What the stack's Lambda functions are called (and their log groups /aws/lambda/<name>). */
  functionName(id: string): string;
  functionArn(id: string): string;
  bucket: string;
  /** Supported upload types: the stack's list, less any the upload function cannot accept. */
  uploadContentTypes: string[];
  /** Problems the lab worked around, printed at start so nobody is surprised. */
  warnings: string[];
}

/** Reads `stacks/Pulumi.<stack>.yaml` through the infra package's schema (errors name the key and the stack). */
export const loadStack = (stack: string, repoRoot: string): LabStack => {
  const config = readStackConfigFile(stack, repoRoot);
  const raw = (parseYaml(readFileSync(stackConfigPath(stack, repoRoot), "utf8")) ?? {}) as {
    config?: Record<string, unknown>;
  };
  const regionValue = raw.config?.["aws:region"];
  const region = typeof regionValue === "string" ? regionValue : "us-east-1";
  const warnings: string[] = [];
  const supported = Object.keys(IMAGE_TYPES);
  const uploadContentTypes = config.upload.allowedContentTypes.filter((t) => supported.includes(t));
  const dropped = config.upload.allowedContentTypes.filter((t) => !supported.includes(t));
  if (dropped.length > 0)
    warnings.push(
      `uploadAllowedContentTypes lists ${dropped.join(", ")}, which the upload function does not accept; the lab leaves ${dropped.length === 1 ? "it" : "them"} out`,
    );
  // The catalog's naming (as deployed); the lab's fixture functions and its one on-failure queue follow the
  // same template, hence the widened id.
  const functionName = (id: string) => functionNameOf(stack, id as CatalogId);
  return {
    config,
    region,
    functionName,
    functionArn: (id) => `arn:aws:lambda:${region}:${LAB_ACCOUNT_ID}:function:${functionName(id)}`,
    // Named as the program names it, with the lab's placeholder account.
    bucket: bucketNameOf(stack, LAB_ACCOUNT_ID),
    uploadContentTypes,
    warnings,
  };
};

export interface LocalEndpoints {
  s3Endpoint: string;
  databaseUrl: string;
  slackWebhookUrl: string;
  stateDir: string;
  /** Origins of the lab's own pages, allowed by CORS besides the stack's. */
  labOrigins: string[];
  /** The lab page, which Slack cards link to instead of the AWS console; the first lab origin's root by default. */
  pageUrl?: string;
  uploadTokenSecret: string;
  /** Sign as `LAB-<ID>` (the IAM preflight's proxy tells the callers apart by it) instead of s3rver's key. */
  perFunctionCredentials?: boolean;
}

/** Lambda's async retries per function: the same table the Pulumi program deploys. */
export const ASYNC_RETRIES = ASYNC_RETRY_ATTEMPTS;

/** Credentials s3rver accepts; the functions sign with them like with a role's keys. */
export const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" } as const;

/**
 * A function's own local access key id: in AWS each function signs with its role's session, so the IAM
 * preflight's S3 proxy knows the caller from the key in the signature (src/iam/s3-proxy.ts).
 */
export const labAccessKeyId = (id: string): string => `LAB-${id.toUpperCase()}`;

/** The page an invocation or alarm opens at (`#invocation=…`, `#alarm=…`), for the alerts' Slack links. */
const labPage = (local: LocalEndpoints): string | undefined =>
  local.pageUrl ?? (local.labOrigins[0] ? `${local.labOrigins[0]}/` : undefined);

/**
 * Each function's environment, built by the function's own `toEnvironment` from the stack config, as the
 * Pulumi program builds it, with the local endpoints in place of the cloud's (S3_ENDPOINT, DATABASE_URL,
 * the Slack sink's URL, a folder as EFS, the token secret itself instead of its SSM parameter).
 */
export const functionEnvironment = (
  id: FunctionId,
  stack: LabStack,
  local: LocalEndpoints,
): Record<string, string> => {
  const { config } = stack;
  // Lambda puts the role's keys in every environment; locally the functions sign with keys s3rver accepts.
  const credentials = {
    ...LOCAL_CREDENTIALS,
    ...(local.perFunctionCredentials ? { AWS_ACCESS_KEY_ID: labAccessKeyId(id) } : {}),
  };
  const s3 = { bucketName: stack.bucket, s3Endpoint: local.s3Endpoint };
  const database = { url: local.databaseUrl };
  switch (id) {
    case "upload":
      return {
        ...credentials,
        ...uploadEnvironment({
          ...s3,
          allowedContentTypes: stack.uploadContentTypes,
          maxUploadBytes: config.upload.maxUploadBytes,
          urlTtlSeconds: config.upload.urlTtlSeconds,
          corsAllowedOrigins: [...new Set([...config.upload.corsAllowedOrigins, ...local.labOrigins])],
          auth:
            config.upload.authMode === "token"
              ? { mode: "token", secret: local.uploadTokenSecret }
              : { mode: "none" },
        }),
      };
    case "transform":
      return { ...credentials, ...transformEnvironment({ ...s3, ...config.transform }) };
    case "orphan-cleanup":
      return {
        ...credentials,
        ...orphanCleanupEnvironment({
          ...s3,
          database,
          stateDir: local.stateDir,
          gracePeriodHours: config.orphanCleanup.gracePeriodHours,
          maxDeletes: config.orphanCleanup.maxDeletes,
          dryRun: config.orphanCleanup.dryRun,
          timeZone: config.timeZone,
          // The lab's timeouts are the stack's; the function stops a minute early by default, which would
          // leave a short local timeout no time at all, so the margin scales with the timeout.
          timeSafetyMarginMs: Math.min(
            60_000,
            Math.floor(config.functions["orphan-cleanup"].timeoutSeconds * 200),
          ),
        }),
      };
    case "daily-stats":
      return {
        ...credentials,
        ...dailyStatsEnvironment({ ...s3, database, timeZone: config.timeZone }),
      };
    case "alerts":
      return alertsEnvironment({
        slackWebhook: { url: local.slackWebhookUrl },
        dedupWindowSeconds: config.alerts.dedupWindowSeconds,
        ...(labPage(local) ? { consoleBaseUrl: labPage(local) } : {}),
      });
  }
};
