/**
 * A catalog entry's access as IAM statements: its S3 object grants and listing, the SecureStrings it reads,
 * and the database secret when it connects. The catalog says what; this says how IAM spells it. The IAM
 * matrix test (test/iam-matrix.test.ts) holds the result to what each function's code calls.
 */
import { type CatalogId, FUNCTIONS, type ListGrant, type ParameterId, under } from "@lambda-lab/catalog";
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface GrantTargets {
  /** The image bucket; only a function with S3 access needs it. */
  bucketArn?: pulumi.Input<string>;
  databaseSecretArn: pulumi.Input<string>;
  /** The SecureStrings the stack stores; one it does not (the token secret outside token mode) grants nothing. */
  parameters: Partial<Record<ParameterId, { arn: pulumi.Input<string> }>>;
}

const listing = (bucketArn: pulumi.Input<string>, grant: ListGrant): aws.iam.PolicyStatement[] => {
  switch (grant.scope) {
    case "none":
      return [];
    // Without an unconditioned ListBucket S3 answers 403, not 404, for a missing key (see ListGrant).
    case "bucket":
      return [
        {
          Sid: "ListBucketSoMissingKeysAnswer404",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: bucketArn,
        },
      ];
    // Enough for ListObjectsV2 under the prefixes, not for a 404.
    case "prefixes":
      return [
        {
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: bucketArn,
          Condition: { StringLike: { "s3:prefix": grant.prefixes.map(under) } },
        },
      ];
  }
};

/**
 * A SecureString under the account's aws/ssm key: ssm:GetParameter is the whole grant. The aws/ssm key policy
 * already lets every principal of the account decrypt through SSM (kms:ViaService ssm.<region>, kms:CallerAccount),
 * so an IAM kms:Decrypt would add nothing; the IAM matrix test evaluates that key policy.
 */
const readParameter = (arn: pulumi.Input<string>): aws.iam.PolicyStatement => ({
  Effect: "Allow",
  Action: "ssm:GetParameter",
  Resource: arn,
});

/** The statements of one function's role, besides its logs, VPC, EFS and destination (node-function.ts). */
export const statementsOf = (id: CatalogId, targets: GrantTargets): aws.iam.PolicyStatement[] => {
  const spec = FUNCTIONS[id];
  const { bucketArn } = targets;
  const touchesS3 = spec.s3.objects.length > 0 || spec.s3.list.scope !== "none";
  if (touchesS3 && bucketArn === undefined)
    throw new Error(`${id} accesses the bucket, but no bucket was given`);
  const objects = spec.s3.objects.map(
    (grant): aws.iam.PolicyStatement => ({
      Effect: "Allow",
      Action: [...grant.actions],
      Resource: grant.keys.map((key) => pulumi.interpolate`${bucketArn}/${key}`),
    }),
  );
  const parameters = spec.parameters.flatMap((parameter) => {
    const stored = targets.parameters[parameter];
    return stored ? [readParameter(stored.arn)] : [];
  });
  const secret: aws.iam.PolicyStatement[] = spec.needs.database
    ? [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: targets.databaseSecretArn }]
    : [];
  const list = bucketArn === undefined ? [] : listing(bucketArn, spec.s3.list);
  return [...objects, ...list, ...parameters, ...secret];
};
