import { manifestKeyOf, quarantineKeyOf } from "@lambda-lab/shared";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Artifact } from "../artifacts.js";
import {
  ASYNC_RETRY_ATTEMPTS,
  FUNCTION_IDS,
  FUNCTION_NEEDS,
  type FunctionId,
  PROJECT,
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
  /** The upload token's HMAC secret (token mode): stored as an SSM SecureString, never in an environment. */
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

// Statement helpers: object access is always scoped to key patterns (uploads/*, variants/*/manifest.json).
const under = (prefix: string) => `${prefix}*`;
const objects = (
  bucketArn: pulumi.Input<string>,
  actions: string[],
  patterns: string[],
): aws.iam.PolicyStatement => ({
  Effect: "Allow",
  Action: actions,
  Resource: patterns.map((p) => pulumi.interpolate`${bucketArn}/${p}`),
});
/** Listing only under `prefixes`: enough for ListObjectsV2, not for a 404 (see `listingFor404`). */
const listing = (bucketArn: pulumi.Input<string>, prefixes: string[]): aws.iam.PolicyStatement => ({
  Effect: "Allow",
  Action: "s3:ListBucket",
  Resource: bucketArn,
  Condition: { StringLike: { "s3:prefix": prefixes.map(under) } },
});
/**
 * S3 answers a GET or HEAD of a missing key with 404 only to a caller allowed s3:ListBucket on the bucket,
 * and with 403 otherwise ("If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status
 * code 403": https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html and API_HeadObject.html,
 * "Permissions"). That check carries no s3:prefix, so a prefix-conditioned grant does not count: a function
 * that reads keys which may be absent, and treats absence as an answer, gets the bucket-wide listing.
 */
const listingFor404 = (bucketArn: pulumi.Input<string>): aws.iam.PolicyStatement => ({
  Sid: "ListBucketSoMissingKeysAnswer404",
  Effect: "Allow",
  Action: "s3:ListBucket",
  Resource: bucketArn,
});
const readSecret = (secretArn: pulumi.Input<string>): aws.iam.PolicyStatement => ({
  Effect: "Allow",
  Action: "secretsmanager:GetSecretValue",
  Resource: secretArn,
});
/**
 * A SecureString under the account's aws/ssm key: ssm:GetParameter is the whole grant. The aws/ssm key policy
 * already lets every principal of the account decrypt through SSM (kms:ViaService ssm.<region>, kms:CallerAccount),
 * so an IAM kms:Decrypt would add nothing; the IAM matrix test evaluates that key policy.
 */
const readParameter = (parameterArn: pulumi.Input<string>): aws.iam.PolicyStatement => ({
  Effect: "Allow",
  Action: "ssm:GetParameter",
  Resource: parameterArn,
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
  /** The upload token's SecureString (token mode only); the upload function reads it at init. */
  readonly uploadAuthTokenParameter: aws.ssm.Parameter | undefined;

  constructor(name: string, args: FunctionsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:lambda:Functions", name, {}, opts);
    const { config, bucket } = args;
    const b = bucket.arn;
    const { uploads, variants, quarantine, reports } = PREFIXES;
    // What the readers GET or HEAD: the manifest (never a variant image) and the quarantine marker.
    const manifests = manifestKeyOf("*");
    const markers = quarantineKeyOf("*");

    // An environment variable is readable by anyone with lambda:GetFunctionConfiguration; a SecureString
    // needs ssm:GetParameter on this one parameter.
    this.uploadAuthTokenParameter = args.uploadAuthToken
      ? new aws.ssm.Parameter(
          `${name}-upload-auth-token`,
          {
            name: `/${PROJECT}/${config.stack}/upload-auth-token`,
            type: "SecureString",
            value: args.uploadAuthToken,
            description:
              "HMAC secret of the upload API's bearer tokens (read by the upload function at init)",
          },
          { parent: this },
        )
      : undefined;
    const tokenParameter = this.uploadAuthTokenParameter;

    const environment: Record<FunctionId, Record<string, pulumi.Input<string>>> = {
      upload: {
        BUCKET_NAME: bucket.name,
        ALLOWED_CONTENT_TYPES: config.upload.allowedContentTypes.join(","),
        MAX_UPLOAD_BYTES: String(config.upload.maxUploadBytes),
        UPLOAD_URL_TTL_SECONDS: String(config.upload.urlTtlSeconds),
        AUTH_MODE: config.upload.authMode,
        CORS_ALLOWED_ORIGINS: config.upload.corsAllowedOrigins.join(","),
        ...(tokenParameter ? { AUTH_TOKEN_PARAMETER: tokenParameter.name } : {}),
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

    // Each list is what the function's code calls (see its src/): the IAM matrix test holds them to it.
    const statements: Record<FunctionId, aws.iam.PolicyStatement[]> = {
      // Signs the POST form with its own credentials, so it may put exactly what the form allows; lists and
      // HEADs the original, GETs the manifest and the quarantine marker (usually absent: 404 needed).
      upload: [
        objects(b, ["s3:PutObject"], [under(uploads)]),
        objects(b, ["s3:GetObject"], [under(uploads), manifests, markers]),
        listingFor404(b),
        ...(tokenParameter ? [readParameter(tokenParameter.arn)] : []),
      ],
      // HEADs the original, its manifest and marker (absent until written: 404 needed), GETs the original,
      // writes variants, manifest or marker, and deletes stale ones after listing the image's variants.
      transform: [
        objects(b, ["s3:GetObject"], [under(uploads), manifests, markers]),
        objects(b, ["s3:PutObject", "s3:DeleteObject"], [under(variants), under(quarantine)]),
        listingFor404(b),
      ],
      // Lists and deletes; never reads an object (the database decides what is referenced).
      "orphan-cleanup": [
        listing(b, [uploads, variants, quarantine]),
        objects(b, ["s3:DeleteObject"], [under(uploads), under(variants), under(quarantine)]),
        objects(b, ["s3:PutObject"], [under(`${reports}cleanup/`)]),
        readSecret(args.database.secretArn),
      ],
      // Lists the day's folders and GETs the manifests and markers listed; one deleted in between (by
      // orphan-cleanup) must read as gone (404), not fail the run (403).
      "daily-stats": [
        listingFor404(b),
        objects(b, ["s3:GetObject"], [manifests, markers]),
        objects(b, ["s3:PutObject"], [under(`${reports}daily/`)]),
        readSecret(args.database.secretArn),
      ],
      alerts: [readParameter(args.slackWebhookParameter.arn)],
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
          runtime: config.lambdaRuntime,
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
