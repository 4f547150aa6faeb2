/**
 * The IAM documents a mocked run of the program asks AWS for, read off its recorded resources: each role's
 * inline and attached policies, the resource policy of what is accessed, and who acts as each function.
 * Shared by the IAM matrix test (test/iam-simulator.ts) and the lab's IAM preflight (packages/lab/src/iam),
 * so both evaluate the very documents the program deploys. Pure: no simulator, no Pulumi import.
 */

// biome-ignore lint/suspicious/noExplicitAny: policy documents are arbitrary JSON, validated by the simulator.
export type PolicyDocument = any;

/** The slice of a recorded resource this module reads (test/harness.ts `Recorded` has it). */
export interface RecordedResource {
  type: string;
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: recorded properties are arbitrary JSON.
  inputs: Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: recorded properties are arbitrary JSON.
  state: Record<string, any>;
}

/** The slice of a program run this module reads (test/harness.ts `ProgramRun` has it). */
export interface RecordedProgram {
  ofType(type: string): RecordedResource[];
  one(type: string, name: string): RecordedResource;
}

/** An identity policy as IAM simulators take it (iam-simulate's `SimulationIdentityPolicy`). */
export interface IdentityPolicy {
  name: string;
  policy: PolicyDocument;
}

export interface ProgramPoliciesOptions {
  /** The account the mocked run's ARNs are in (principals are built in it). */
  accountId: string;
  /** An AWS managed policy's document by ARN; undefined fails the role that attaches it, by name. */
  managedPolicy(arn: string): { name: string; document: PolicyDocument } | undefined;
  /** Key policies the program does not create (an AWS managed key's), by key ARN. */
  extraKeyPolicies?: Iterable<readonly [string, PolicyDocument]>;
}

export interface ProgramPolicies {
  /** The bucket's ARN in the run (the mock's physical name, not the lab's). */
  bucketArn: string;
  /** A role owner's identity policies: inline first, then attached managed ones. */
  identityOf(owner: string): IdentityPolicy[];
  /** The resource policy that applies to `arn` (bucket, EFS file system, KMS key), if any. */
  resourcePolicyOf(arn: string): PolicyDocument | undefined;
  /** The session ARN Lambda runs `owner`'s code as: its role, session named after the function. */
  principalOf(owner: string): string;
}

export const RESOURCE_TYPES = {
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  fn: "aws:lambda/function:Function",
  bucket: "aws:s3/bucket:Bucket",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  fileSystem: "aws:efs/fileSystem:FileSystem",
  fileSystemPolicy: "aws:efs/fileSystemPolicy:FileSystemPolicy",
  key: "aws:kms/key:Key",
} as const;
const T = RESOURCE_TYPES;

const documentOf = (policy: unknown): PolicyDocument =>
  typeof policy === "string" ? JSON.parse(policy) : policy;

/** The policies a run asks AWS for, and who acts as each role. */
export const programPolicies = (run: RecordedProgram, options: ProgramPoliciesOptions): ProgramPolicies => {
  const identityOf = (owner: string): IdentityPolicy[] => {
    const role = run.one(T.role, `${owner}-role`);
    // The mock gives every resource the id `<name>-id`; RolePolicy refers to the role by id, attachments by name.
    const inline = run
      .ofType(T.rolePolicy)
      .filter((p) => p.inputs.role === `${role.name}-id`)
      .map((p) => ({ name: p.name, policy: documentOf(p.inputs.policy) }));
    const managed = run
      .ofType(T.attachment)
      .filter((a) => a.inputs.role === role.state.name)
      .map((a) => {
        const fixture = options.managedPolicy(a.inputs.policyArn);
        if (!fixture)
          throw new Error(
            `${owner}: attached managed policy ${a.inputs.policyArn} has no document (infra's IAM matrix keeps copies in test/fixtures/aws-managed-policies, from the AWS Managed Policy Reference)`,
          );
        return { name: fixture.name, policy: fixture.document };
      });
    return [...inline, ...managed];
  };

  const bucket = run.one(T.bucket, "storage-bucket");
  const fileSystem = run.one(T.fileSystem, "shared-fs-fs");
  const one = (records: RecordedResource[], what: string) => {
    if (records.length !== 1) throw new Error(`expected one ${what}, found ${records.length}`);
    return documentOf(records[0]?.inputs.policy);
  };
  const bucketPolicy = one(
    run.ofType(T.bucketPolicy).filter((p) => p.inputs.bucket === `${bucket.name}-id`),
    "bucket policy",
  );
  const fileSystemPolicy = one(
    run.ofType(T.fileSystemPolicy).filter((p) => p.inputs.fileSystemId === `${fileSystem.name}-id`),
    "EFS file system policy",
  );
  const keyPolicies = new Map<string, PolicyDocument>([
    ...(options.extraKeyPolicies ?? []),
    ...run.ofType(T.key).map((k) => [k.state.arn as string, documentOf(k.inputs.policy)] as const),
  ]);
  const bucketArn = bucket.state.arn as string;

  const resourcePolicyOf = (arn: string): PolicyDocument | undefined => {
    if (arn === bucketArn || arn.startsWith(`${bucketArn}/`)) return bucketPolicy;
    if (arn === fileSystem.state.arn) return fileSystemPolicy;
    return keyPolicies.get(arn);
  };

  const principalOf = (owner: string): string => {
    const role = run.one(T.role, `${owner}-role`);
    const fn = run.one(T.fn, owner);
    return `arn:aws:sts::${options.accountId}:assumed-role/${role.state.name}/${fn.inputs.name}`;
  };

  return { bucketArn, identityOf, resourcePolicyOf, principalOf };
};
