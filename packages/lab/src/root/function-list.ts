import { artifactDir } from "../artifacts.js";
import {
  ASYNC_RETRIES,
  FUNCTION_IDS,
  functionEnvironment,
  type LabStack,
  type LocalEndpoints,
} from "../config.js";
import type { LabIam } from "../iam/lab-iam.js";
import type { DataLayout } from "../paths.js";
import type { LabFunction } from "../runtime/lambda-runtime.js";
import type { ArtifactPlan } from "./artifact-plan.js";
import type { LabSecrets } from "./data-dir.js";
import type { FrontDoors } from "./front-doors.js";
import type { ExtraFunction, FunctionOverride } from "./types.js";

/** What the functions reach locally in place of the cloud's endpoints (config.ts `functionEnvironment`). */
export const localEndpoints = (deps: {
  iam: Pick<LabIam, "s3Endpoint" | "perFunctionCredentials">;
  postgres: { url: string };
  doors: Pick<FrontDoors, "slackWebhook" | "labOrigins">;
  layout: Pick<DataLayout, "efs">;
  secrets: LabSecrets;
}): LocalEndpoints => ({
  s3Endpoint: deps.iam.s3Endpoint,
  perFunctionCredentials: deps.iam.perFunctionCredentials,
  databaseUrl: deps.postgres.url,
  slackWebhookUrl: deps.doors.slackWebhook,
  stateDir: deps.layout.efs,
  labOrigins: deps.doors.labOrigins,
  uploadTokenSecret: deps.secrets.uploadTokenSecret,
});

/**
 * The functions the runtime hosts: the stack's five as the program defines them (memory, timeout, reserved
 * concurrency, retries, environment from each function's own `toEnvironment`), with the test's overrides,
 * plus any extra fixture functions.
 */
export const labFunctions = (options: {
  repoRoot: string;
  stack: LabStack;
  plan: Pick<ArtifactPlan, "arch" | "labRuntime">;
  local: LocalEndpoints;
  overrides?: Partial<Record<string, FunctionOverride>> | undefined;
  extras?: readonly ExtraFunction[] | undefined;
}): LabFunction[] => {
  const { stack, plan } = options;
  const base = (id: string) => ({
    id,
    functionName: stack.functionName(id),
    arn: stack.functionArn(id),
    region: stack.region,
  });
  const own = FUNCTION_IDS.map((id): LabFunction => {
    const settings = stack.config.functions[id];
    const override = options.overrides?.[id] ?? {};
    return {
      ...base(id),
      codeDir: artifactDir(options.repoRoot, id, plan.arch),
      handler: "index.handler",
      memorySizeMb: override.memoryMb ?? settings.memoryMb,
      timeoutSeconds: override.timeoutSeconds ?? settings.timeoutSeconds,
      runtime: plan.labRuntime,
      environment: { ...functionEnvironment(id, stack, options.local), ...override.environment },
      // null removes the reservation: the function shares the unreserved pool.
      reservedConcurrency:
        override.reservedConcurrency === null
          ? undefined
          : (override.reservedConcurrency ?? settings.reservedConcurrency),
      maxRetryAttempts: override.maxRetryAttempts ?? ASYNC_RETRIES[id],
    };
  });
  const extras = (options.extras ?? []).map(
    (extra): LabFunction => ({
      ...base(extra.id),
      codeDir: extra.codeDir,
      handler: extra.handler ?? "index.handler",
      memorySizeMb: extra.memoryMb ?? 128,
      timeoutSeconds: extra.timeoutSeconds ?? 3,
      runtime: extra.runtime ?? plan.labRuntime,
      environment: extra.environment ?? {},
      reservedConcurrency: extra.reservedConcurrency,
      maxRetryAttempts: extra.maxRetryAttempts,
    }),
  );
  return [...own, ...extras];
};
