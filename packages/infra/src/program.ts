import { join } from "node:path";
import { MIGRATE_ID } from "@lambda-lab/catalog";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Artifact, loadArtifact, REPO_ROOT } from "./artifacts.js";
import { Alarms } from "./components/alarms.js";
import { Database } from "./components/database.js";
import { Functions } from "./components/functions.js";
import { Migrations } from "./components/migrations.js";
import { Network } from "./components/network.js";
import { Parameters } from "./components/parameters.js";
import { SharedFs } from "./components/shared-fs.js";
import { Storage } from "./components/storage.js";
import { Triggers } from "./components/triggers.js";
import { WebAppHost } from "./components/web-app.js";
import type { StackSecrets } from "./config.js";
import {
  bucketNameOf,
  FUNCTION_IDS,
  type FunctionId,
  functionNameOf,
  PROJECT,
  type StackConfig,
} from "./stack-config.js";

export interface ProgramOptions {
  config: StackConfig;
  secrets: StackSecrets;
  /** Real runs insist on built artifacts; mocked test runs may not have them. */
  requireArtifacts: boolean;
}

export interface LabOutputs {
  bucketName: pulumi.Output<string>;
  uploadApiUrl: pulumi.Output<string>;
  functionNames: Record<FunctionId, pulumi.Output<string>>;
  databaseEndpoint: pulumi.Output<string>;
  databaseSecretArn: pulumi.Output<string>;
  alertsTopicArn: pulumi.Output<string>;
  vpcId: pulumi.Output<string>;
  fileSystemId: pulumi.Output<string>;
  webAppInstanceId: pulumi.Output<string> | undefined;
  /** The SSM SecureString holding the upload token secret (token mode), for whoever mints tokens. */
  uploadTokenParameterName: pulumi.Output<string> | undefined;
  reservedConcurrency: { total: number; unreserved: number; accountLimit: number } | "off";
}

const missingParameter = (id: string): never => {
  throw new Error(`the ${id} SecureString was not created; the Parameters component requires it`);
};

/** @lambda-lab/db's migrations: hashed so a new or edited migration re-runs the deploy-time invocation. */
const MIGRATIONS_DIR = join(REPO_ROOT, "packages", "db", "migrations");

/** Composes the components for one stack. index.ts calls this with the validated config. */
export const createLab = ({ config, secrets, requireArtifacts }: ProgramOptions): LabOutputs => {
  const region = aws.config.region;
  if (!region)
    throw new Error(
      `stack "${config.stack}": aws:region is not set (pulumi config set aws:region eu-west-1)`,
    );
  const accountId = aws.getCallerIdentityOutput().accountId;
  const namePrefix = `${PROJECT}-${config.stack}`;
  const artifactOf = (id: FunctionId | typeof MIGRATE_ID): Artifact =>
    loadArtifact(id, config.artifactArch, { requireBuilt: requireArtifacts });
  const artifacts = Object.fromEntries(FUNCTION_IDS.map((id) => [id, artifactOf(id)])) as Record<
    FunctionId,
    Artifact
  >;

  const network = new Network("network", {
    region,
    cidrBlock: config.network.vpcCidr,
    natStrategy: config.network.natStrategy,
    subnetLayout: config.network.subnetLayout,
    interfaceEndpoints: config.network.interfaceEndpoints,
    databasePort: config.database.port,
    webApp: config.webApp,
    protect: config.protect,
  });

  const storage = new Storage("storage", {
    bucketName: accountId.apply((id) => bucketNameOf(config.stack, id)),
    forceDestroy: config.forceDestroy,
    protect: config.protect,
    corsAllowedOrigins: config.upload.corsAllowedOrigins,
    quarantineExpirationDays: config.storage.quarantineExpirationDays,
    abortIncompleteUploadDays: config.storage.abortIncompleteUploadDays,
  });

  const databaseIdentifier = namePrefix;
  const database = new Database("database", {
    identifier: databaseIdentifier,
    settings: config.database,
    subnetIds: network.databaseSubnetIds,
    securityGroupIds: [network.databaseSecurityGroup.id],
    logRetentionDays: config.logRetentionDays,
    protect: config.protect,
  });

  const sharedFs = new SharedFs("shared-fs", {
    subnetIds: network.privateSubnetIds,
    availabilityZones: 2,
    securityGroupId: network.efsSecurityGroup.id,
    protect: config.protect,
  });

  const parameters = new Parameters("parameters", {
    stack: config.stack,
    values: { "slack-webhook-url": secrets.slackWebhookUrl, "upload-auth-token": secrets.uploadAuthToken },
  });

  const databaseRef = {
    address: database.address,
    port: database.port,
    name: config.database.name,
    secretArn: database.secretArn,
  };
  const vpcPlacement = {
    subnetIds: network.privateSubnetIds,
    securityGroupIds: [network.functionsSecurityGroup.id],
  };

  const functions = new Functions("functions", {
    config,
    artifacts,
    bucket: { name: storage.bucketName, arn: storage.bucketArn },
    database: databaseRef,
    vpc: vpcPlacement,
    fileSystem: {
      accessPointArn: sharedFs.accessPoint.arn,
      fileSystemArn: sharedFs.fileSystem.arn,
      mountTargets: sharedFs.mountTargets,
    },
    slackWebhookParameter: parameters.byId["slack-webhook-url"] ?? missingParameter("slack-webhook-url"),
    uploadAuthTokenParameter: parameters.byId["upload-auth-token"],
  });
  const fn = functions.byId;

  const migrations = config.database.migrateOnDeploy
    ? new Migrations("migrations", {
        functionName: functionNameOf(config.stack, MIGRATE_ID),
        artifact: artifactOf(MIGRATE_ID),
        architecture: config.architecture,
        runtime: config.lambdaRuntime,
        database: databaseRef,
        databaseInstance: database.instance,
        networkReady: network.awsApisReady,
        migrationsDir: MIGRATIONS_DIR,
        vpc: vpcPlacement,
        logRetentionDays: config.logRetentionDays,
      })
    : undefined;

  const triggers = new Triggers("triggers", {
    accountId,
    bucket: { id: storage.bucket.id, arn: storage.bucketArn },
    functions: fn,
    corsAllowedOrigins: config.upload.corsAllowedOrigins,
    timeZone: config.timeZone,
    schedules: config.schedules,
    logRetentionDays: config.logRetentionDays,
    bucketReady: storage.ready,
    schedulesAfter: migrations ? [migrations.invocation] : [],
  });

  const webApp =
    config.webApp.enabled && network.webAppSecurityGroup
      ? new WebAppHost("web-app", {
          instanceType: config.webApp.instanceType,
          subnetIds: network.webAppSubnetIds,
          securityGroupId: network.webAppSecurityGroup.id,
          public: config.webApp.public,
        })
      : undefined;

  const alarms = new Alarms("alarms", {
    region,
    accountId,
    config,
    alerts: fn.alerts,
    functions: fn,
    schedulerDeadLetters: triggers.schedulerDeadLetters,
    database: {
      identifier: databaseIdentifier,
      slowLogGroup: database.slowLogGroup,
      allocatedStorageGb: config.database.allocatedStorageGb,
    },
    webAppInstanceId: webApp?.instance.id,
  });

  return {
    bucketName: storage.bucketName,
    uploadApiUrl: triggers.apiUrls.upload,
    functionNames: Object.fromEntries(FUNCTION_IDS.map((id) => [id, fn[id].name])) as Record<
      FunctionId,
      pulumi.Output<string>
    >,
    databaseEndpoint: pulumi.interpolate`${database.address}:${database.port}`,
    databaseSecretArn: database.secretArn,
    alertsTopicArn: alarms.topic.arn,
    vpcId: network.vpcId,
    fileSystemId: sharedFs.fileSystem.id,
    webAppInstanceId: webApp?.instance.id,
    uploadTokenParameterName: parameters.byId["upload-auth-token"]?.name,
    reservedConcurrency: config.concurrency.reserve
      ? {
          total: config.concurrency.totalReserved,
          unreserved: config.concurrency.accountLimit - config.concurrency.totalReserved,
          accountLimit: config.concurrency.accountLimit,
        }
      : "off",
  };
};
