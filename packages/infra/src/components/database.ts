import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../stack-config.js";

export interface DatabaseArgs {
  identifier: string;
  settings: StackConfig["database"];
  subnetIds: pulumi.Input<string[]>;
  securityGroupIds: pulumi.Input<string>[];
  logRetentionDays: number;
  protect: boolean;
  /** When the final snapshot's name is stamped (tests pin it); now by default. */
  createdAt?: Date;
}

/** The log streams each engine exports; the slow statements land in the first one. */
const LOG_EXPORTS = { postgres: ["postgresql", "upgrade"], mysql: ["slowquery", "error"] } as const;

/** Parameters that make slow statements visible: logged, exported to CloudWatch, forwarded to alerts. */
export const slowQueryParameters = (
  engine: "postgres" | "mysql",
  slowQueryMs: number,
): { name: string; value: string; applyMethod: string }[] =>
  engine === "postgres"
    ? [
        { name: "log_min_duration_statement", value: String(slowQueryMs), applyMethod: "immediate" },
        // Already the default from PostgreSQL 15 on RDS; stated so a custom group can never turn it off.
        { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
      ]
    : [
        { name: "slow_query_log", value: "1", applyMethod: "immediate" },
        { name: "long_query_time", value: String(slowQueryMs / 1000), applyMethod: "immediate" },
        { name: "log_output", value: "FILE", applyMethod: "immediate" },
        { name: "require_secure_transport", value: "1", applyMethod: "immediate" },
      ];

/**
 * `<identifier>-final-<UTC yyyymmddhhmmss>`: RDS snapshot identifiers are 1–255 letters, digits and hyphens,
 * start with a letter, and have no two hyphens in a row nor one at the end.
 */
export const finalSnapshotName = (identifier: string, at: Date): string =>
  `${identifier}-final-${at.toISOString().replace(/[-:T]/g, "").slice(0, 14)}`;

/**
 * RDS (PostgreSQL 17 by default): private, encrypted, slow statements logged to a CloudWatch log group made
 * first with retention. The master password is generated and kept by RDS in Secrets Manager
 * (manageMasterUserPassword): it never passes through the program, its config or its state.
 */
export class Database extends pulumi.ComponentResource {
  readonly instance: aws.rds.Instance;
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly secretArn: pulumi.Output<string>;
  /** The log group the slow statements go to (subscription filter → alerts). */
  readonly slowLogGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:database:Database", name, {}, opts);
    const { settings } = args;
    const major = settings.engineVersion.split(".")[0] ?? settings.engineVersion;
    const family = settings.engine === "postgres" ? `postgres${major}` : `mysql${settings.engineVersion}`;

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { subnetIds: args.subnetIds, description: `Subnets of ${args.identifier}` },
      { parent: this },
    );
    const parameterGroup = new aws.rds.ParameterGroup(
      `${name}-parameters`,
      {
        family,
        description: `${args.identifier}: slow statements over ${settings.slowQueryMs} ms are logged`,
        parameters: slowQueryParameters(settings.engine, settings.slowQueryMs),
      },
      { parent: this },
    );

    // RDS would create these itself on first export, without retention; made first, they are ours.
    const logGroups = LOG_EXPORTS[settings.engine].map(
      (stream) =>
        new aws.cloudwatch.LogGroup(
          `${name}-${stream}-logs`,
          { name: `/aws/rds/instance/${args.identifier}/${stream}`, retentionInDays: args.logRetentionDays },
          { parent: this },
        ),
    );
    this.slowLogGroup = logGroups[0]!;

    this.instance = new aws.rds.Instance(
      `${name}-instance`,
      {
        identifier: args.identifier,
        engine: settings.engine,
        engineVersion: settings.engineVersion,
        instanceClass: settings.instanceClass,
        dbName: settings.name,
        port: settings.port,
        username: "lab_admin",
        manageMasterUserPassword: true,
        allocatedStorage: settings.allocatedStorageGb,
        maxAllocatedStorage: settings.maxAllocatedStorageGb > 0 ? settings.maxAllocatedStorageGb : undefined,
        storageType: "gp3",
        storageEncrypted: true,
        publiclyAccessible: false,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: args.securityGroupIds,
        parameterGroupName: parameterGroup.name,
        multiAz: settings.multiAz,
        backupRetentionPeriod: settings.backupRetentionDays,
        deletionProtection: settings.deletionProtection,
        skipFinalSnapshot: !settings.finalSnapshot,
        // Unique per database: a fixed name collides on the second delete in an account ("DBSnapshotAlreadyExists"
        // stops the destroy). Stamped at creation and kept (ignoreChanges), so a replacement or a re-created
        // stack gets a new one, and turning finalSnapshot on later still finds a name in the state.
        finalSnapshotIdentifier: finalSnapshotName(args.identifier, args.createdAt ?? new Date()),
        copyTagsToSnapshot: true,
        autoMinorVersionUpgrade: true,
        enabledCloudwatchLogsExports: [...LOG_EXPORTS[settings.engine]],
      },
      {
        parent: this,
        protect: args.protect,
        dependsOn: logGroups,
        ignoreChanges: ["finalSnapshotIdentifier"],
      },
    );
    this.address = this.instance.address;
    this.port = this.instance.port;
    this.secretArn = this.instance.masterUserSecrets.apply((secrets) => {
      const arn = secrets[0]?.secretArn;
      if (!arn) throw new Error(`${args.identifier}: RDS reported no managed master user secret`);
      return arn;
    });
    this.registerOutputs({ address: this.address, secretArn: this.secretArn });
  }
}
