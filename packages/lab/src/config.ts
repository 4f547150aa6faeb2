import { readFileSync } from "node:fs";
import {
  ASYNC_RETRY_ATTEMPTS,
  FUNCTION_IDS,
  type FunctionId,
  PROJECT,
  readStackConfigFile,
  type StackConfig,
  stackConfigPath,
} from "@lambda-lab/infra/stack-config";
import { IMAGE_TYPES } from "@lambda-lab/shared";
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
  const functionName = (id: string) => `${PROJECT}-${stack}-${id}`;
  return {
    config,
    region,
    functionName,
    functionArn: (id) => `arn:aws:lambda:${region}:${LAB_ACCOUNT_ID}:function:${functionName(id)}`,
    bucket: `${PROJECT}-${stack}-images`,
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
  uploadTokenSecret: string;
}

/** Lambda's async retries per function: the same table the Pulumi program deploys. */
export const ASYNC_RETRIES = ASYNC_RETRY_ATTEMPTS;

/** Credentials s3rver accepts; the functions sign with them like with a role's keys. */
export const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" } as const;

/**
 * Each function's environment, wired from the stack config the way the Pulumi program wires it, with the
 * local endpoints in place of the cloud's (S3_ENDPOINT, DATABASE_URL, the Slack sink, a folder as EFS).
 */
export const functionEnvironment = (
  id: FunctionId,
  stack: LabStack,
  local: LocalEndpoints,
): Record<string, string> => {
  const { config } = stack;
  const s3 = {
    BUCKET_NAME: stack.bucket,
    S3_ENDPOINT: local.s3Endpoint,
    ...LOCAL_CREDENTIALS,
  };
  const defined = (entries: Record<string, string | number | boolean | undefined>) =>
    Object.fromEntries(
      Object.entries(entries)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
  switch (id) {
    case "upload":
      return defined({
        ...s3,
        ALLOWED_CONTENT_TYPES: stack.uploadContentTypes.join(","),
        MAX_UPLOAD_BYTES: config.upload.maxUploadBytes,
        UPLOAD_URL_TTL_SECONDS: Math.min(config.upload.urlTtlSeconds, 300),
        AUTH_MODE: config.upload.authMode,
        AUTH_TOKEN_SECRET: config.upload.authMode === "token" ? local.uploadTokenSecret : undefined,
        CORS_ALLOWED_ORIGINS: [...new Set([...config.upload.corsAllowedOrigins, ...local.labOrigins])].join(
          ",",
        ),
      });
    case "transform":
      return defined({
        ...s3,
        VARIANTS: config.transform.variants ? JSON.stringify(config.transform.variants) : undefined,
        OUTPUT_FORMATS: config.transform.outputFormats?.join(","),
        MAX_INPUT_BYTES: config.transform.maxInputBytes,
        MAX_INPUT_PIXELS: config.transform.maxInputPixels,
        ANIMATION: config.transform.animation,
      });
    case "orphan-cleanup":
      return defined({
        ...s3,
        DATABASE_URL: local.databaseUrl,
        STATE_DIR: local.stateDir,
        GRACE_PERIOD_HOURS: config.orphanCleanup.gracePeriodHours,
        MAX_DELETES: config.orphanCleanup.maxDeletes,
        DRY_RUN: config.orphanCleanup.dryRun,
        TIME_ZONE: config.timeZone,
        // The lab's timeouts are the stack's; the function stops a minute early by default, which would
        // leave a short local timeout no time at all, so the margin scales with the timeout.
        TIME_SAFETY_MARGIN_MS: Math.min(
          60_000,
          Math.floor(config.functions["orphan-cleanup"].timeoutSeconds * 200),
        ),
      });
    case "daily-stats":
      return defined({ ...s3, DATABASE_URL: local.databaseUrl, TIME_ZONE: config.timeZone });
    case "alerts":
      return defined({
        SLACK_WEBHOOK_URL: local.slackWebhookUrl,
        DEDUP_WINDOW_SECONDS: config.alerts.dedupWindowSeconds,
      });
  }
};
