import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface SharedFsArgs {
  /** The private subnets (one per AZ); a mount target goes in each. */
  subnetIds: pulumi.Output<string[]>;
  /** The VPC has exactly this many AZs; mount targets are declared per index, never inside an apply. */
  availabilityZones: number;
  securityGroupId: pulumi.Input<string>;
  protect: boolean;
}

/** The non-root POSIX identity the batch functions write as; the access point forces it. */
export const LAB_POSIX_USER = { uid: 1000, gid: 1000 } as const;
export const LAB_MOUNT_PATH = "/mnt/lab";

/**
 * The file system policy. Without one, EFS lets any client that reaches a mount target mount, write and act
 * as root, and the functions' elasticfilesystem:ClientMount/ClientWrite grants are never consulted; with
 * one, EFS authorizes each mount by the identity and file system policies together
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-filesystem.html,
 * https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html). It grants nothing itself, so
 * only a role's own IAM grant mounts, and it denies root access, mounts that bypass the access point (whose
 * POSIX user is forced), and plain-text NFS (Lambda encrypts its EFS traffic:
 * https://docs.aws.amazon.com/lambda/latest/dg/services-efs.html).
 */
export const fileSystemPolicy = (fileSystemArn: string, accessPointArn: string) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyPlainTextNfs",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "*",
      Resource: fileSystemArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyRootAccess",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: "elasticfilesystem:ClientRootAccess",
      Resource: fileSystemArn,
    },
    {
      // A mount without the access point carries no elasticfilesystem:AccessPointArn: StringNotEquals is
      // then true, so it is denied too.
      Sid: "MountOnlyThroughTheAccessPoint",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
      Resource: fileSystemArn,
      Condition: { StringNotEquals: { "elasticfilesystem:AccessPointArn": accessPointArn } },
    },
  ],
});

/** Encrypted EFS with a mount target per private subnet and an access point rooted at /lab as a non-root user. */
export class SharedFs extends pulumi.ComponentResource {
  readonly fileSystem: aws.efs.FileSystem;
  readonly accessPoint: aws.efs.AccessPoint;
  readonly mountTargets: aws.efs.MountTarget[];
  readonly policy: aws.efs.FileSystemPolicy;

  constructor(name: string, args: SharedFsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:storage:SharedFs", name, {}, opts);

    this.fileSystem = new aws.efs.FileSystem(
      `${name}-fs`,
      {
        encrypted: true,
        performanceMode: "generalPurpose",
        throughputMode: "elastic",
        // The lab's state files are small and cold after a day: Infrequent Access costs a fraction.
        lifecyclePolicies: [{ transitionToIa: "AFTER_30_DAYS" }],
      },
      { parent: this, protect: args.protect },
    );
    this.mountTargets = Array.from(
      { length: args.availabilityZones },
      (_, i) =>
        new aws.efs.MountTarget(
          `${name}-mount-${i}`,
          {
            fileSystemId: this.fileSystem.id,
            subnetId: args.subnetIds.apply((ids) => {
              const id = ids[i];
              if (!id)
                throw new Error(
                  `${name}: expected ${args.availabilityZones} private subnets, got ${ids.length}`,
                );
              return id;
            }),
            securityGroups: [args.securityGroupId],
          },
          { parent: this },
        ),
    );
    this.accessPoint = new aws.efs.AccessPoint(
      `${name}-access-point`,
      {
        fileSystemId: this.fileSystem.id,
        posixUser: { uid: LAB_POSIX_USER.uid, gid: LAB_POSIX_USER.gid },
        rootDirectory: {
          path: "/lab",
          creationInfo: { ownerUid: LAB_POSIX_USER.uid, ownerGid: LAB_POSIX_USER.gid, permissions: "750" },
        },
      },
      { parent: this },
    );
    this.policy = new aws.efs.FileSystemPolicy(
      `${name}-policy`,
      {
        fileSystemId: this.fileSystem.id,
        policy: pulumi
          .all([this.fileSystem.arn, this.accessPoint.arn])
          .apply(([fs, ap]) => JSON.stringify(fileSystemPolicy(fs, ap))),
      },
      { parent: this },
    );
    this.registerOutputs({ fileSystemId: this.fileSystem.id, accessPointArn: this.accessPoint.arn });
  }
}
