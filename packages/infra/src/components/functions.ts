import { toEnvironment as alertsEnvironment } from "@lambda-lab/alerts/environment";
import { FUNCTIONS, functionNameOf } from "@lambda-lab/catalog";
import { toEnvironment as dailyStatsEnvironment } from "@lambda-lab/daily-stats/environment";
import { type DatabaseSettings, toDatabaseEnvironment } from "@lambda-lab/db/environment";
import { toEnvironment as orphanCleanupEnvironment } from "@lambda-lab/orphan-cleanup/environment";
import { toEnvironment as transformEnvironment } from "@lambda-lab/transform/environment";
import { type UploadAuth, toEnvironment as uploadEnvironment } from "@lambda-lab/upload/environment";
import * as pulumi from "@pulumi/pulumi";
import type { Artifact } from "../artifacts.js";
import {
  ASYNC_RETRY_ATTEMPTS,
  FUNCTION_IDS,
  FUNCTION_NEEDS,
  type FunctionId,
  type StackConfig,
} from "../stack-config.js";
import { statementsOf } from "./grants.js";
import { NodeFunction } from "./node-function.js";
import { LAB_MOUNT_PATH } from "./shared-fs.js";

/** Lambda's Node.js 20+ runtimes ship the RDS CA bundle here; Node only trusts it when told to. */
export const RDS_CA_BUNDLE = "/var/runtime/ca-cert.pem";

export interface DatabaseRef {
  address: pulumi.Input<string>;
  port: pulumi.Input<number>;
  name: string;
  secretArn: pulumi.Input<string>;
}

type ParameterRef = { name: pulumi.Input<string>; arn: pulumi.Input<string> };

export interface FunctionsArgs {
  /** What the functions' settings and environments read. */
  config: Pick<
    StackConfig,
    | "stack"
    | "architecture"
    | "lambdaRuntime"
    | "functions"
    | "logRetentionDays"
    | "timeZone"
    | "upload"
    | "transform"
    | "orphanCleanup"
    | "alerts"
  >;
  artifacts: Record<FunctionId, Artifact>;
  bucket: { name: pulumi.Input<string>; arn: pulumi.Input<string> };
  database: DatabaseRef;
  vpc: { subnetIds: pulumi.Input<string[]>; securityGroupIds: pulumi.Input<string>[] };
  fileSystem: {
    accessPointArn: pulumi.Input<string>;
    fileSystemArn: pulumi.Input<string>;
    mountTargets: pulumi.Resource[];
  };
  /** The SecureStrings (Parameters component): the Slack webhook, and the upload token's in token mode. */
  slackWebhookParameter: ParameterRef;
  uploadAuthTokenParameter: ParameterRef | undefined;
}

/** Where every database function finds the database: endpoint + the RDS-managed secret, never a password. */
const databaseSettingsOf = (db: DatabaseRef): DatabaseSettings<pulumi.Input<string>> => ({
  host: db.address,
  port: pulumi.output(db.port).apply(String),
  name: db.name,
  secretArn: db.secretArn,
  caBundlePath: RDS_CA_BUNDLE,
});

/** The environment every database function gets (and the migration runner): see `databaseSettingsOf`. */
export const databaseEnvironment = (db: DatabaseRef): Record<string, pulumi.Input<string>> =>
  toDatabaseEnvironment(databaseSettingsOf(db));

/**
 * Token mode reads the secret from its SecureString; the parameter exists exactly in token mode (Parameters
 * component), so a token stack without one is a wiring bug, never a silent switch to no auth.
 */
const uploadAuthOf = (
  mode: "none" | "token",
  parameter: ParameterRef | undefined,
): UploadAuth<pulumi.Input<string>> => {
  if (mode === "none") return { mode };
  if (!parameter)
    throw new Error("upload: uploadAuthMode is token but no upload token parameter was created");
  return { mode, secretParameter: parameter.name };
};

/** The stack's functions from the catalog, each with its least-privilege statements and environment. */
export class Functions extends pulumi.ComponentResource {
  readonly byId: Record<FunctionId, NodeFunction>;

  constructor(name: string, args: FunctionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:lambda:Functions", name, {}, opts);
    const { config, bucket } = args;
    const b = bucket.arn;
    // The upload token secret is never in an environment: upload gets the parameter name and reads it at init.
    const tokenParameter = args.uploadAuthTokenParameter;

    // Each function writes its own variables (src/environment.ts); the program only says where things are.
    const database = databaseSettingsOf(args.database);
    const environment: Record<FunctionId, Record<string, pulumi.Input<string>>> = {
      upload: uploadEnvironment<pulumi.Input<string>>({
        bucketName: bucket.name,
        allowedContentTypes: config.upload.allowedContentTypes,
        maxUploadBytes: config.upload.maxUploadBytes,
        urlTtlSeconds: config.upload.urlTtlSeconds,
        corsAllowedOrigins: config.upload.corsAllowedOrigins,
        auth: uploadAuthOf(config.upload.authMode, tokenParameter),
      }),
      transform: transformEnvironment<pulumi.Input<string>>({ bucketName: bucket.name, ...config.transform }),
      "orphan-cleanup": orphanCleanupEnvironment<pulumi.Input<string>>({
        bucketName: bucket.name,
        database,
        stateDir: LAB_MOUNT_PATH,
        gracePeriodHours: config.orphanCleanup.gracePeriodHours,
        maxDeletes: config.orphanCleanup.maxDeletes,
        dryRun: config.orphanCleanup.dryRun,
        timeZone: config.timeZone,
      }),
      "daily-stats": dailyStatsEnvironment<pulumi.Input<string>>({
        bucketName: bucket.name,
        database,
        timeZone: config.timeZone,
      }),
      alerts: alertsEnvironment<pulumi.Input<string>>({
        slackWebhook: { parameter: args.slackWebhookParameter.name },
        dedupWindowSeconds: config.alerts.dedupWindowSeconds,
      }),
    };

    // What each function's code calls, from its catalog entry; the IAM matrix test holds them to it.
    const grantTargets = {
      bucketArn: b,
      databaseSecretArn: args.database.secretArn,
      parameters: {
        "slack-webhook-url": args.slackWebhookParameter,
        ...(tokenParameter ? { "upload-auth-token": tokenParameter } : {}),
      },
    };

    const byId = {} as Record<FunctionId, NodeFunction>;
    for (const id of FUNCTION_IDS) {
      const settings = config.functions[id];
      const needs = FUNCTION_NEEDS[id];
      byId[id] = new NodeFunction(
        id,
        {
          functionName: functionNameOf(config.stack, id),
          description: FUNCTIONS[id].description,
          artifact: args.artifacts[id],
          architecture: config.architecture,
          runtime: config.lambdaRuntime,
          memoryMb: settings.memoryMb,
          timeoutSeconds: settings.timeoutSeconds,
          reservedConcurrency: settings.reservedConcurrency,
          environment: environment[id],
          statements: statementsOf(id, grantTargets),
          logRetentionDays: config.logRetentionDays,
          vpc: needs.vpc ? args.vpc : undefined,
          fileSystem: needs.efs
            ? {
                accessPointArn: args.fileSystem.accessPointArn,
                fileSystemArn: args.fileSystem.fileSystemArn,
                mountPath: LAB_MOUNT_PATH,
                mountTargets: args.fileSystem.mountTargets,
              }
            : undefined,
          asyncFailures: needs.async ? { retryAttempts: ASYNC_RETRY_ATTEMPTS[id] } : undefined,
        },
        { parent: this },
      );
    }
    this.byId = byId;
    this.registerOutputs({});
  }
}
