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

/** Encrypted EFS with a mount target per private subnet and an access point rooted at /lab as a non-root user. */
export class SharedFs extends pulumi.ComponentResource {
  readonly fileSystem: aws.efs.FileSystem;
  readonly accessPoint: aws.efs.AccessPoint;
  readonly mountTargets: aws.efs.MountTarget[];

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
    this.registerOutputs({ fileSystemId: this.fileSystem.id, accessPointArn: this.accessPoint.arn });
  }
}
