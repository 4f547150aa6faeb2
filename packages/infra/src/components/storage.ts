import { PREFIXES } from "@lambda-lab/shared";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The bucket's key layout lives once, in @lambda-lab/shared; the triggers and IAM scopes use it from here. */
export { PREFIXES };

export interface StorageArgs {
  forceDestroy: boolean;
  protect: boolean;
  corsAllowedOrigins: string[];
  quarantineExpirationDays: number;
  abortIncompleteUploadDays: number;
}

/**
 * The image bucket: private (public access blocked, ACLs disabled), encrypted, TLS-only, with lifecycle
 * rules and CORS for the browser's presigned POST.
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
      { forceDestroy: args.forceDestroy },
      { parent: this, protect: args.protect },
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
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
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
        ],
      },
      { parent: this },
    );
    const cors = new aws.s3.BucketCorsConfiguration(
      `${name}-cors`,
      {
        bucket,
        corsRules: [
          {
            // The browser POSTs the file with the presigned form, then reads variants with presigned GETs.
            allowedMethods: ["POST", "GET", "HEAD"],
            allowedOrigins: args.corsAllowedOrigins,
            allowedHeaders: ["*"],
            exposeHeaders: ["ETag"],
            maxAgeSeconds: 3000,
          },
        ],
      },
      { parent: this },
    );
    this.ready = [publicAccess, ownership, encryption, policy, lifecycle, cors];
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
