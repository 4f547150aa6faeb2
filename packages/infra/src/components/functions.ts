import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Artifact } from "../artifacts.js";
import {
  ASYNC_RETRY_ATTEMPTS,
  FUNCTION_IDS,
  FUNCTION_NEEDS,
  type FunctionId,
  type StackConfig,
} from "../stack-config.js";
import { NodeFunction } from "./node-function.js";
import { LAB_MOUNT_PATH } from "./shared-fs.js";
import { PREFIXES } from "./storage.js";

/** Lambda's Node.js 20+ runtimes ship the RDS CA bundle here; Node only trusts it when told to. */
export const RDS_CA_BUNDLE = "/var/runtime/ca-cert.pem";

export interface DatabaseRef {
  address: pulumi.Input<string>;
  port: pulumi.Input<number>;
  name: string;
  secretArn: pulumi.Input<string>;
}

export interface FunctionsArgs {
  config: StackConfig;
  namePrefix: string;
  region: string;
  artifacts: Record<FunctionId, Artifact>;
  bucket: { name: pulumi.Input<string>; arn: pulumi.Input<string> };
  database: DatabaseRef;
  vpc: { subnetIds: pulumi.Input<string[]>; securityGroupIds: pulumi.Input<string>[] };
  fileSystem: {
    accessPointArn: pulumi.Input<string>;
    fileSystemArn: pulumi.Input<string>;
    mountTargets: pulumi.Resource[];
  };
  slackWebhookParameter: { name: pulumi.Input<string>; arn: pulumi.Input<string> };
  uploadAuthToken: pulumi.Output<string> | undefined;
}

/** The environment every database function gets: endpoint + the RDS-managed secret, never a password. */
export const databaseEnvironment = (db: DatabaseRef): Record<string, pulumi.Input<string>> => ({
  DATABASE_HOST: db.address,
  DATABASE_PORT: pulumi.output(db.port).apply(String),
  DATABASE_NAME: db.name,
  DATABASE_SECRET_ARN: db.secretArn,
  DATABASE_SSL: "require",
  NODE_EXTRA_CA_CERTS: RDS_CA_BUNDLE,
});

/** Statement helpers: S3 access is always scoped to key prefixes. */
const objects = (
  bucketArn: pulumi.Input<string>,
  actions: string[],
  prefixes: string[],
): aws.iam.PolicyStatement => ({
  Effect: "Allow",
  Action: actions,
  Resource: prefixes.map((p) => pulumi.interpolate`${bucketArn}/${p}*`),
});
const listing = (bucketArn: pulumi.Input<string>, prefixes: string[]): aws.iam.PolicyStatement => ({
  Effect: "Allow",
  Action: "s3:ListBucket",
  Resource: bucketArn,
  Condition: { StringLike: { "s3:prefix": prefixes.map((p) => `${p}*`) } },
});
const readSecret = (secretArn: pulumi.Input<string>): aws.iam.PolicyStatement => ({
  Effect: "Allow",
  Action: "secretsmanager:GetSecretValue",
  Resource: secretArn,
});

const DESCRIPTIONS: Record<FunctionId, string> = {
  upload: "Issues presigned POST forms for uploads/ and reports an upload's progress",
  transform: "Writes the variants of each new upload (S3 uploads/ trigger)",
  "orphan-cleanup": "Deletes originals and variants no database row refers to (scheduled)",
  "daily-stats": "Builds yesterday's upload statistics and report (scheduled)",
  alerts: "Posts alarms, slow queries and failed invocations to Slack",
};

/** The five Lambda Lab functions, each with its least-privilege statements and environment. */
export class Functions extends pulumi.ComponentResource {
  readonly byId: Record<FunctionId, NodeFunction>;

  constructor(name: string, args: FunctionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:lambda:Functions", name, {}, opts);
    const { config, bucket } = args;
    const b = bucket.arn;
    const { uploads, variants, quarantine, reports } = PREFIXES;

    const environment: Record<FunctionId, Record<string, pulumi.Input<string>>> = {
      upload: {
        BUCKET_NAME: bucket.name,
        ALLOWED_CONTENT_TYPES: config.upload.allowedContentTypes.join(","),
        MAX_UPLOAD_BYTES: String(config.upload.maxUploadBytes),
        UPLOAD_URL_TTL_SECONDS: String(config.upload.urlTtlSeconds),
        AUTH_MODE: config.upload.authMode,
        CORS_ALLOWED_ORIGINS: config.upload.corsAllowedOrigins.join(","),
        ...(args.uploadAuthToken ? { AUTH_TOKEN_SECRET: args.uploadAuthToken } : {}),
      },
      transform: {
        BUCKET_NAME: bucket.name,
        ...(config.transform.variants ? { VARIANTS: JSON.stringify(config.transform.variants) } : {}),
        ...(config.transform.outputFormats
          ? { OUTPUT_FORMATS: config.transform.outputFormats.join(",") }
          : {}),
        ...(config.transform.maxInputBytes
          ? { MAX_INPUT_BYTES: String(config.transform.maxInputBytes) }
          : {}),
        ...(config.transform.maxInputPixels
          ? { MAX_INPUT_PIXELS: String(config.transform.maxInputPixels) }
          : {}),
        ...(config.transform.animation ? { ANIMATION: config.transform.animation } : {}),
      },
      "orphan-cleanup": {
        BUCKET_NAME: bucket.name,
        ...databaseEnvironment(args.database),
        STATE_DIR: LAB_MOUNT_PATH,
        GRACE_PERIOD_HOURS: String(config.orphanCleanup.gracePeriodHours),
        MAX_DELETES: String(config.orphanCleanup.maxDeletes),
        DRY_RUN: String(config.orphanCleanup.dryRun),
        TIME_ZONE: config.timeZone,
      },
      "daily-stats": {
        BUCKET_NAME: bucket.name,
        ...databaseEnvironment(args.database),
        TIME_ZONE: config.timeZone,
      },
      alerts: {
        SLACK_WEBHOOK_PARAMETER: args.slackWebhookParameter.name,
        DEDUP_WINDOW_SECONDS: String(config.alerts.dedupWindowSeconds),
      },
    };

    const statements: Record<FunctionId, aws.iam.PolicyStatement[]> = {
      // Signs the POST form with its own credentials, so it may put exactly what the form allows; reads
      // the original, manifest and quarantine marker to report progress.
      upload: [
        objects(b, ["s3:PutObject"], [uploads]),
        objects(b, ["s3:GetObject"], [uploads, variants, quarantine]),
        listing(b, [uploads]),
      ],
      transform: [
        objects(b, ["s3:GetObject"], [uploads, variants, quarantine]),
        objects(b, ["s3:PutObject", "s3:DeleteObject"], [variants, quarantine]),
        listing(b, [variants]),
      ],
      "orphan-cleanup": [
        listing(b, [uploads, variants, quarantine]),
        objects(b, ["s3:GetObject", "s3:DeleteObject"], [uploads, variants, quarantine]),
        objects(b, ["s3:PutObject"], [`${reports}cleanup/`]),
        readSecret(args.database.secretArn),
      ],
      "daily-stats": [
        listing(b, [uploads, variants, quarantine]),
        objects(b, ["s3:GetObject"], [uploads, variants, quarantine]),
        objects(b, ["s3:PutObject"], [`${reports}daily/`]),
        readSecret(args.database.secretArn),
      ],
      alerts: [
        { Effect: "Allow", Action: "ssm:GetParameter", Resource: args.slackWebhookParameter.arn },
        {
          // SecureStrings use the account's aws/ssm key, whose ARN is unknown until first use: the
          // conditions pin the grant to decrypting this one parameter through SSM.
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: "*",
          Condition: {
            StringEquals: {
              "kms:ViaService": `ssm.${args.region}.amazonaws.com`,
              "kms:EncryptionContext:PARAMETER_ARN": args.slackWebhookParameter.arn,
            },
          },
        },
      ],
    };

    const byId = {} as Record<FunctionId, NodeFunction>;
    for (const id of FUNCTION_IDS) {
      const settings = config.functions[id];
      const needs = FUNCTION_NEEDS[id];
      byId[id] = new NodeFunction(
        id,
        {
          functionName: `${args.namePrefix}-${id}`,
          description: DESCRIPTIONS[id],
          artifact: args.artifacts[id],
          architecture: config.architecture,
          memoryMb: settings.memoryMb,
          timeoutSeconds: settings.timeoutSeconds,
          reservedConcurrency: settings.reservedConcurrency,
          environment: environment[id],
          statements: statements[id],
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
