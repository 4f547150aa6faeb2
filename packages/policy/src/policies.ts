/**
 * The Lambda Lab policy pack's rules. Each reads plain resource properties (by type token), so the rules
 * run the same under `pulumi preview --policy-pack` and in tests that call the validators directly.
 */
import { NODE_RUNTIME_NAMES } from "@lambda-lab/catalog/runtimes";
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

export const TYPES = {
  bucket: "aws:s3/bucket:Bucket",
  bucketV2: "aws:s3/bucketV2:BucketV2",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  bucketAcl: "aws:s3/bucketAcl:BucketAcl",
  bucketNotification: "aws:s3/bucketNotification:BucketNotification",
  rds: "aws:rds/instance:Instance",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  permission: "aws:lambda/permission:Permission",
  lambda: "aws:lambda/function:Function",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  efs: "aws:efs/fileSystem:FileSystem",
  accessPoint: "aws:efs/accessPoint:AccessPoint",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
  role: "aws:iam/role:Role",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  logSubscription: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
  schedule: "aws:scheduler/schedule:Schedule",
  topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
  instance: "aws:ec2/instance:Instance",
  queue: "aws:sqs/queue:Queue",
} as const;

export const DEFAULT_ACCOUNT_CONCURRENCY_LIMIT = 1000;
export const MIN_UNRESERVED_CONCURRENCY = 100;
const WORLD = ["0.0.0.0/0", "::/0"];
/** The only ports the world may reach: the public web app. */
const WEB_PORTS = [80, 443];
/** The runtimes a stack may choose (the catalog's table): anything else is a typo or an expired runtime. */
const SUPPORTED_RUNTIMES: readonly string[] = NODE_RUNTIME_NAMES;

// biome-ignore lint/suspicious/noExplicitAny: resource properties are untyped provider JSON; every rule narrows what it reads.
type Props = Record<string, any>;

type Validate = (args: ResourceValidationArgs, report: ReportViolation) => void;

/** A resource rule: runs `check` on resources of `types` only. */
const rule = (
  name: string,
  description: string,
  types: readonly string[],
  check: (props: Props, report: (message: string) => void, args: ResourceValidationArgs) => void,
): ResourceValidationPolicy => {
  const validateResource: Validate = (args, report) => {
    if (types.includes(args.type)) check(args.props, (m) => report(m), args);
  };
  return { name, description, enforcementLevel: "mandatory", validateResource };
};

/** The stack name from a URN (`urn:pulumi:<stack>::<project>::…`). */
export const stackOfUrn = (urn: string): string => urn.split(":")[2] ?? "";

type Statement = {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
const parsePolicy = (policy: unknown): { Statement?: Statement | Statement[] } | undefined => {
  if (typeof policy === "string") {
    try {
      return JSON.parse(policy);
    } catch {
      return undefined;
    }
  }
  return policy && typeof policy === "object" ? (policy as { Statement?: Statement[] }) : undefined;
};
const statementsOf = (policy: unknown): Statement[] => {
  const doc = parsePolicy(policy);
  if (!doc?.Statement) return [];
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
};
const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const worldIngress = (cidrs: unknown[]): boolean =>
  cidrs.some((c) => typeof c === "string" && WORLD.includes(c));
const onlyWebPorts = (from: unknown, to: unknown): boolean =>
  typeof from === "number" && typeof to === "number" && from === to && WEB_PORTS.includes(from);

export const resourcePolicies: ResourceValidationPolicy[] = [
  rule(
    "s3-public-access-blocked",
    "S3 public access blocks set all four settings.",
    [TYPES.publicAccessBlock],
    (p, report) => {
      for (const key of [
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
      ]) {
        if (p[key] !== true) report(`${key} must be true`);
      }
    },
  ),
  rule(
    "s3-no-public-acl",
    "Buckets are never given a public canned ACL.",
    [TYPES.bucket, TYPES.bucketV2, TYPES.bucketAcl],
    (p, report) => {
      if (["public-read", "public-read-write", "authenticated-read"].includes(p.acl))
        report(`canned ACL "${p.acl}" is public`);
    },
  ),
  rule(
    "s3-ownership-enforced",
    "Object ownership is BucketOwnerEnforced (ACLs disabled).",
    [TYPES.ownership],
    (p, report) => {
      if (p.rule?.objectOwnership !== "BucketOwnerEnforced")
        report("objectOwnership must be BucketOwnerEnforced");
    },
  ),
  rule("s3-encrypted", "Bucket default encryption is SSE-S3 or SSE-KMS.", [TYPES.sse], (p, report) => {
    const algorithms = list(p.rules).map((r: Props) => r?.applyServerSideEncryptionByDefault?.sseAlgorithm);
    if (!algorithms.some((a) => a === "AES256" || a === "aws:kms" || a === "aws:kms:dsse")) {
      report("no default server-side encryption rule (AES256 or aws:kms)");
    }
  }),
  rule(
    "s3-tls-only",
    "Bucket policies deny requests without TLS (aws:SecureTransport false).",
    [TYPES.bucketPolicy],
    (p, report) => {
      const denies = statementsOf(p.policy).some(
        (s) => s.Effect === "Deny" && String(s.Condition?.Bool?.["aws:SecureTransport"]) === "false",
      );
      if (!denies) report("the bucket policy must deny aws:SecureTransport=false");
    },
  ),
  rule("rds-not-public", "Databases are not publicly accessible.", [TYPES.rds], (p, report) => {
    if (p.publiclyAccessible === true) report("publiclyAccessible must be false");
  }),
  rule("rds-encrypted", "Database storage is encrypted.", [TYPES.rds], (p, report) => {
    if (p.storageEncrypted !== true) report("storageEncrypted must be true");
  }),
  rule("rds-backups", "Automated backups are kept at least one day.", [TYPES.rds], (p, report) => {
    if (!(typeof p.backupRetentionPeriod === "number" && p.backupRetentionPeriod >= 1)) {
      report(
        `backupRetentionPeriod ${p.backupRetentionPeriod ?? "(default 0 on some engines)"} must be at least 1`,
      );
    }
  }),
  {
    // A stack is protected by its `protect` flag, which puts Pulumi's `protect` on its database; the rule
    // reads that resource option (PolicyResourceOptions.protect), never the stack's name.
    name: "rds-protected-stack",
    description:
      "A protected database (Pulumi `protect`, from the stack's protect flag) has deletion protection and a final snapshot.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
      if (args.type !== TYPES.rds || args.opts?.protect !== true) return;
      const stack = stackOfUrn(args.urn);
      if (args.props.deletionProtection !== true)
        report(`stack ${stack} protects its database: deletionProtection must be true`);
      if (args.props.skipFinalSnapshot !== false)
        report(`stack ${stack} protects its database: skipFinalSnapshot must be false`);
    },
  },
  rule(
    "rds-password-managed",
    "The master password is generated and kept by RDS, never set in code or state.",
    [TYPES.rds],
    (p, report) => {
      if (p.password !== undefined) report("password is set: use manageMasterUserPassword instead");
      if (p.manageMasterUserPassword !== true) report("manageMasterUserPassword must be true");
    },
  ),
  rule("rds-logs-exported", "Database logs are exported to CloudWatch.", [TYPES.rds], (p, report) => {
    if (list(p.enabledCloudwatchLogsExports).length === 0) report("enabledCloudwatchLogsExports is empty");
  }),
  rule(
    "sg-no-world-ingress",
    "Security groups' inline rules allow no world ingress except HTTP/HTTPS.",
    [TYPES.securityGroup],
    (p, report) => {
      for (const ingress of list<Props>(p.ingress)) {
        const cidrs = [...list(ingress?.cidrBlocks), ...list(ingress?.ipv6CidrBlocks)];
        if (worldIngress(cidrs) && !onlyWebPorts(ingress.fromPort, ingress.toPort)) {
          report(`ingress ${ingress.protocol} ${ingress.fromPort}-${ingress.toPort} is open to the world`);
        }
      }
    },
  ),
  rule(
    "sg-rule-no-world-ingress",
    "Standalone ingress rules allow no world ingress except HTTP/HTTPS.",
    [TYPES.ingressRule, TYPES.sgRule],
    (p, report, args) => {
      if (args.type === TYPES.sgRule && p.type !== "ingress") return;
      const cidrs = [p.cidrIpv4, p.cidrIpv6, ...list(p.cidrBlocks), ...list(p.ipv6CidrBlocks)];
      if (worldIngress(cidrs) && !onlyWebPorts(p.fromPort, p.toPort)) {
        report(`ingress ${p.ipProtocol ?? p.protocol} ${p.fromPort}-${p.toPort} is open to the world`);
      }
    },
  ),
  rule(
    "lambda-permission-source-arn",
    "Lambda permissions for AWS services name the sourceArn allowed to invoke.",
    [TYPES.permission],
    (p, report) => {
      if (typeof p.principal === "string" && p.principal.endsWith(".amazonaws.com") && !p.sourceArn) {
        report(`permission for ${p.principal} has no sourceArn: any ${p.principal} resource could invoke`);
      }
    },
  ),
  rule(
    "lambda-runtime",
    `Functions run a supported Node.js runtime (${SUPPORTED_RUNTIMES.join(", ")}).`,
    [TYPES.lambda],
    (p, report) => {
      if (p.packageType !== "Image" && !SUPPORTED_RUNTIMES.includes(p.runtime))
        report(`runtime ${p.runtime} is not allowed`);
    },
  ),
  rule("lambda-json-logs", "Functions log JSON into a named log group.", [TYPES.lambda], (p, report) => {
    if (p.loggingConfig?.logFormat !== "JSON") report("loggingConfig.logFormat must be JSON");
  }),
  rule("efs-encrypted", "EFS file systems are encrypted at rest.", [TYPES.efs], (p, report) => {
    if (p.encrypted !== true) report("encrypted must be true");
  }),
  rule(
    "efs-access-point-non-root",
    "EFS access points force a non-root POSIX user and a root directory below /.",
    [TYPES.accessPoint],
    (p, report) => {
      const user = p.posixUser;
      if (!user) report("posixUser is missing: clients would write as themselves (root on Lambda)");
      else if (user.uid === 0 || user.gid === 0) report(`posixUser ${user.uid}:${user.gid} is root`);
      const path = p.rootDirectory?.path;
      if (!path || path === "/") report("rootDirectory must be a directory below /");
    },
  ),
  rule(
    "iam-no-star-on-star",
    'No IAM statement allows "*" actions on "*" resources.',
    [TYPES.rolePolicy, TYPES.policy, TYPES.role],
    (p, report) => {
      const documents = [p.policy, ...list<Props>(p.inlinePolicies).map((i) => i?.policy)];
      for (const s of documents.flatMap(statementsOf)) {
        if (s.Effect !== "Allow") continue;
        if (list(s.Action).includes("*") && list(s.Resource).includes("*"))
          report('an Allow statement grants "*" on "*"');
      }
    },
  ),
  rule(
    "iam-no-service-wildcard-on-star",
    'No IAM statement allows a whole service ("s3:*") on every resource.',
    [TYPES.rolePolicy, TYPES.policy],
    (p, report) => {
      for (const s of statementsOf(p.policy)) {
        if (s.Effect !== "Allow" || !list(s.Resource).includes("*")) continue;
        const wild = list(s.Action).filter((a) => typeof a === "string" && /^[a-z0-9-]+:\*$/.test(a));
        if (wild.length > 0) report(`${wild.join(", ")} on "*"`);
      }
    },
  ),
  rule("log-group-retention", "Log groups have a retention period.", [TYPES.logGroup], (p, report) => {
    if (!(typeof p.retentionInDays === "number" && p.retentionInDays > 0))
      report("retentionInDays is not set: logs are kept forever");
  }),
  rule("ec2-imdsv2", "Instances require IMDSv2 tokens.", [TYPES.instance], (p, report) => {
    if (p.metadataOptions?.httpTokens !== "required") report("metadataOptions.httpTokens must be required");
  }),
  rule(
    "ec2-no-ssh-key",
    "Instances have no SSH key pair (Session Manager instead).",
    [TYPES.instance],
    (p, report) => {
      if (p.keyName) report(`keyName ${p.keyName} is set`);
    },
  ),
  rule("sqs-encrypted", "Queues are encrypted at rest.", [TYPES.queue], (p, report) => {
    if (p.sqsManagedSseEnabled !== true && !p.kmsMasterKeyId)
      report("enable sqsManagedSseEnabled or set kmsMasterKeyId");
  }),
];

/** Resources that invoke a function asynchronously, with the function ARN each one targets. */
const asyncTargets = (resources: PolicyResource[]): { source: PolicyResource; functionArn: string }[] =>
  resources.flatMap((r) => {
    switch (r.type) {
      case TYPES.bucketNotification:
        return list<Props>(r.props.lambdaFunctions).map((f) => ({
          source: r,
          functionArn: f?.lambdaFunctionArn,
        }));
      case TYPES.schedule:
        return [{ source: r, functionArn: r.props.target?.arn }];
      case TYPES.topicSubscription:
        return r.props.protocol === "lambda" ? [{ source: r, functionArn: r.props.endpoint }] : [];
      case TYPES.logSubscription:
        return [{ source: r, functionArn: r.props.destinationArn }];
      default:
        return [];
    }
  });

export const stackPolicies: StackValidationPolicy[] = [
  {
    name: "lambda-reserved-concurrency-budget",
    description: `Reserved concurrency leaves at least ${MIN_UNRESERVED_CONCURRENCY} executions unreserved below the account limit.`,
    enforcementLevel: "mandatory",
    configSchema: {
      properties: {
        accountConcurrencyLimit: { type: "integer", default: DEFAULT_ACCOUNT_CONCURRENCY_LIMIT },
      },
    },
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const { accountConcurrencyLimit = DEFAULT_ACCOUNT_CONCURRENCY_LIMIT } = args.getConfig<{
        accountConcurrencyLimit?: number;
      }>();
      const reserved = args.resources
        .filter((r) => r.type === TYPES.lambda && typeof r.props.reservedConcurrentExecutions === "number")
        .map((r) => ({ name: r.name, value: Math.max(0, r.props.reservedConcurrentExecutions as number) }));
      const total = reserved.reduce((sum, r) => sum + r.value, 0);
      // Nothing reserved leaves the whole (even a new account's 10) unreserved: nothing to check.
      if (total > 0 && accountConcurrencyLimit - total < MIN_UNRESERVED_CONCURRENCY) {
        report(
          `reserved concurrency ${total} (${reserved.map((r) => `${r.name}=${r.value}`).join(", ")}) leaves ` +
            `${accountConcurrencyLimit - total} of ${accountConcurrencyLimit} unreserved; at least ${MIN_UNRESERVED_CONCURRENCY} must stay unreserved`,
        );
      }
    },
  },
  {
    name: "lambda-async-on-failure-destination",
    description:
      "Every asynchronously invoked function (S3, Scheduler, SNS, CloudWatch Logs) has an on-failure destination.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
      const functions = args.resources.filter((r) => r.type === TYPES.lambda);
      const configs = args.resources.filter((r) => r.type === TYPES.invokeConfig);
      for (const { source, functionArn } of asyncTargets(args.resources)) {
        // Unknown during a first preview: nothing to match yet.
        if (typeof functionArn !== "string") continue;
        const fn = functions.find((f) => f.props.arn === functionArn);
        if (!fn) continue;
        const covered = configs.some(
          (c) =>
            (c.props.functionName === fn.props.name || c.props.functionName === fn.props.arn) &&
            typeof c.props.destinationConfig?.onFailure?.destination === "string",
        );
        if (!covered)
          report(
            `${fn.name} is invoked asynchronously by ${source.name} but has no on-failure destination`,
            fn.urn,
          );
      }
    },
  },
  {
    name: "lambda-log-group-managed",
    description: "Every function logs into a log group the stack manages (so retention applies).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
      const groups = new Set(
        args.resources.filter((r) => r.type === TYPES.logGroup).map((g) => g.props.name),
      );
      for (const fn of args.resources.filter((r) => r.type === TYPES.lambda)) {
        const group = fn.props.loggingConfig?.logGroup ?? `/aws/lambda/${fn.props.name}`;
        if (typeof group === "string" && !groups.has(group))
          report(`${fn.name} logs to ${group}, which the stack does not manage`, fn.urn);
      }
    },
  },
];

export const policies = [...resourcePolicies, ...stackPolicies];
