import { PREFIXES } from "@lambda-lab/shared";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketCorsRule } from "../emulated.js";

/** The bucket's key layout lives once, in @lambda-lab/shared; the triggers and IAM scopes use it from here. */
export { PREFIXES };

export interface StorageArgs {
  /** The bucket's physical name (`bucketNameOf` in the catalog: the lab names its local bucket the same way). */
  bucketName: pulumi.Input<string>;
  forceDestroy: boolean;
  protect: boolean;
  corsAllowedOrigins: string[];
  quarantineExpirationDays: number;
  abortIncompleteUploadDays: number;
  /** How long a deleted or overwritten object stays recoverable as a noncurrent version. */
  noncurrentVersionExpirationDays?: number;
}

/**
 * The default window for restoring what orphan-cleanup deleted: four weekly looks at its report. A deleted
 * original costs its storage for this long, then S3 removes it for good.
 */
export const NONCURRENT_VERSION_EXPIRATION_DAYS = 30;

export type DefaultEncryption = { algorithm: "AES256" } | { algorithm: "aws:kms"; kmsKeyId?: string };

/**
 * The bucket's default encryption rule. An S3 Bucket Key only exists for SSE-KMS (it cuts the KMS requests
 * SSE-KMS makes), so `bucketKeyEnabled` is set with aws:kms and left out with SSE-S3, where it means nothing:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
 */
export const encryptionRule = (encryption: DefaultEncryption) =>
  encryption.algorithm === "aws:kms"
    ? {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          ...(encryption.kmsKeyId ? { kmsMasterKeyId: encryption.kmsKeyId } : {}),
        },
        bucketKeyEnabled: true,
      }
    : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } };

/**
 * The image bucket: private (public access blocked, ACLs disabled), encrypted, TLS-only, versioned (a
 * delete by orphan-cleanup stays recoverable for a while), with lifecycle rules and CORS for the browser's
 * presigned POST.
 */
export class Storage extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** Resolves once the bucket policy exists; notifications and functions wait for it. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:storage:Storage", name, {}, opts);

    this.bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { bucket: args.bucketName, forceDestroy: args.forceDestroy },
      // A bucket cannot be renamed: a new name is a replacement (and prod's bucket is protected). Stacks
      // created before the name was derived keep the one Pulumi generated; new stacks get the derived one.
      { parent: this, protect: args.protect, ignoreChanges: ["bucket"] },
    );
    const bucket = this.bucket.id;
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket,
        rules: [encryptionRule({ algorithm: "AES256" })],
      },
      { parent: this },
    );
    const policy = new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      {
        bucket,
        policy: {
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "s3:*",
              Resource: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        },
      },
      // S3 rejects bucket policies while the public access block is being applied.
      { parent: this, dependsOn: [publicAccess] },
    );
    // orphan-cleanup deletes originals a database query calls unreferenced; with versioning a wrong answer
    // leaves delete markers, and the objects stay restorable until the noncurrent versions expire. No
    // function holds s3:DeleteObjectVersion, so none can delete for good.
    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket, versioningConfiguration: { status: "Enabled" } },
      { parent: this },
    );
    const lifecycle = new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket,
        rules: [
          {
            id: "abort-incomplete-multipart-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: args.abortIncompleteUploadDays },
          },
          {
            id: "expire-quarantine",
            status: "Enabled",
            filter: { prefix: PREFIXES.quarantine },
            expiration: { days: args.quarantineExpirationDays },
          },
          {
            // Deleted and overwritten objects (and the quarantine markers expired above) go for good after
            // the window; a delete marker left with no version under it is removed too.
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: {
              noncurrentDays: args.noncurrentVersionExpirationDays ?? NONCURRENT_VERSION_EXPIRATION_DAYS,
            },
            expiration: { expiredObjectDeleteMarker: true },
          },
        ],
      },
      // Noncurrent-version rules mean something only once versioning is on.
      { parent: this, dependsOn: [versioning] },
    );
    const cors = new aws.s3.BucketCorsConfiguration(
      `${name}-cors`,
      {
        bucket,
        // One rule, stated in emulated.ts: the local lab's S3 applies the same one.
        corsRules: [bucketCorsRule(args.corsAllowedOrigins)],
      },
      { parent: this },
    );
    this.ready = [publicAccess, ownership, encryption, policy, versioning, lifecycle, cors];
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
