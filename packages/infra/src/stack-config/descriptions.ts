/**
 * What each stack key means, for Pulumi.yaml's `config:` block (written by `pnpm --filter @lambda-lab/infra
 * write:pulumi-yaml`). Types and defaults are not repeated here: they come from the schema in `schema.ts`;
 * the per-function keys' descriptions come from the catalog. `satisfies` makes a key without a description a
 * compile error.
 */
import {
  type CamelId,
  camelId,
  FUNCTION_IDS,
  FUNCTIONS,
  type FunctionId,
  scheduleOf,
} from "@lambda-lab/catalog";
import { SCHEDULED_IDS, type StackConfigKey, scheduleKeyOf } from "./schema.js";

type FunctionKey = `${CamelId<FunctionId>}${"MemoryMb" | "TimeoutSeconds" | "ReservedConcurrency"}`;

/** "<id> memory in MB." unless the catalog says more (keyNotes); each schedule key's from its trigger. */
const functionKeyDescriptions = () => {
  const described: Record<string, string> = {};
  for (const id of FUNCTION_IDS) {
    const notes: { memoryMb?: string; timeoutSeconds?: string; reservedConcurrency?: string } =
      FUNCTIONS[id].keyNotes;
    const c = camelId(id);
    described[`${c}MemoryMb`] = notes.memoryMb ?? `${id} memory in MB.`;
    described[`${c}TimeoutSeconds`] = notes.timeoutSeconds ?? `${id} timeout in seconds.`;
    described[`${c}ReservedConcurrency`] = notes.reservedConcurrency ?? `${id} reserved concurrency.`;
  }
  for (const id of SCHEDULED_IDS) described[scheduleKeyOf(id)] = scheduleOf(id).keyDescription;
  return described as Record<FunctionKey | ReturnType<typeof scheduleKeyOf>, string>;
};

export const KEY_DESCRIPTIONS = {
  architecture:
    'Lambda architecture for every function, "arm64" (cheaper per GB-second) or "x86_64". Picks dist/arm64.zip or dist/x64.zip.',
  lambdaRuntime:
    'Lambda runtime of every function, "nodejs24.x" or "nodejs22.x" (leaves Lambda\'s support window in 2027). The build targets the oldest runtime any stack deploys and verifies on each; the local lab runs that Node.js major.',
  protect: "Pulumi `protect` on the stateful resources (bucket, database, file system, VPC).",
  forceDestroy: "Let `pulumi destroy` delete a non-empty bucket.",
  logRetentionDays: "Retention of every log group (functions, RDS, host); one of CloudWatch's periods.",
  timeZone: "IANA time zone of the schedules and of the daily statistics.",
  vpcCidr:
    'IPv4 CIDR of the VPC: /16 to /18 with subnetLayout "shared", /16 to /17 with "split" (two AZs, each a /24 public and a /20 private subnet, plus a /24 database subnet when split).',
  natStrategy:
    'NAT gateways, "none", "single" or "onePerAz". Each gateway costs about $33/month plus data processing.',
  interfaceEndpoints:
    "Interface VPC endpoints (secretsmanager, ssm, kms, logs, monitoring, sts) so VPC functions reach AWS APIs without NAT; about $7.50/month per endpoint per AZ.",
  subnetLayout:
    '"shared": web-app host and database share the private subnets and the security groups isolate them; "split": the database gets its own isolated subnet tier.',
  databaseEngine: '"postgres" (PostgreSQL) or "mysql" (for comparison; the migrations are PostgreSQL).',
  databaseEngineVersion:
    'Engine version, a string ("17", "17.4", "8.4"). Set it to a MySQL version such as "8.4" with databaseEngine "mysql".',
  databaseInstanceClass: "RDS instance class.",
  databaseName: "Name of the database the functions use.",
  databaseAllocatedStorageGb: "Allocated gp3 storage in GiB (20 minimum).",
  databaseMaxAllocatedStorageGb: "Storage autoscaling ceiling in GiB; 0 turns autoscaling off.",
  databaseMultiAz: "Multi-AZ standby (doubles the instance cost).",
  databaseBackupRetentionDays: "Automated backup retention, 0–35 days.",
  databaseDeletionProtection: "RDS deletion protection.",
  databaseFinalSnapshot:
    "Take a final snapshot (named after the stack and the deletion time) when the database is deleted.",
  databaseSlowQueryMs:
    "Statements slower than this are logged (log_min_duration_statement / long_query_time) and reach the alerts function.",
  databaseMigrateOnDeploy:
    "Run the schema migrations inside the VPC on every `pulumi up` (aws.lambda.Invocation of the migrate function).",
  webAppEnabled: "Create the small web-app EC2 host (SSM access, no SSH key, IMDSv2, CloudWatch agent).",
  webAppInstanceType: "EC2 type of the web-app host; a Graviton type (t4g) gets an arm64 AMI.",
  webAppPublic:
    "Put the host in a public subnet and open HTTP/HTTPS to the world (the only world ingress allowed).",
  reservedConcurrencyEnabled:
    "Reserve concurrency per function. Set false on new accounts whose concurrency limit is 10.",
  reservedConcurrencyZeroAllowed:
    "Allow a reservation of 0, which stops the function from ever running (a kill switch); refused otherwise.",
  accountConcurrencyLimit:
    "The account's concurrent executions limit; reservations must leave 100 unreserved below it.",
  concurrencyAlarmPercent: "Alarm when account concurrent executions exceed this percentage of the limit.",
  ...functionKeyDescriptions(),
  uploadAllowedContentTypes:
    "Content types the upload function signs for (image/jpeg, image/png, image/webp, image/gif, image/avif).",
  uploadMaxBytes: "Largest upload the presigned POST accepts, in bytes.",
  uploadUrlTtlSeconds: "Lifetime of a presigned POST, at most 300 seconds.",
  uploadAuthMode:
    '"none" or "token" (a bearer token signed with the secret uploadAuthToken, set with `pulumi config set --secret`).',
  corsAllowedOrigins: "Browser origins allowed to call the upload API and POST to the bucket.",
  transformVariants: 'Variants the transform function writes, as "<name>:<width>" (e.g. "thumb:200").',
  transformOutputFormats: "Output formats of each variant (webp, jpeg, avif).",
  transformAnimation: '"keep" (animated GIF/WebP stay animated in WebP) or "first-frame".',
  transformMaxInputBytes: "Larger originals are quarantined, in bytes.",
  transformMaxInputPixels: "Pixel limit checked from the header before decoding (decompression bombs).",
  orphanCleanupGracePeriodHours: "Objects younger than this are never orphans.",
  orphanCleanupMaxDeletes: "Deletion cap per run.",
  orphanCleanupDryRun: "Report orphans without deleting.",
  quarantineExpirationDays: "Lifecycle expiry of quarantine/ objects.",
  abortIncompleteUploadDays: "Lifecycle abort of incomplete multipart uploads.",
  alertsDedupWindowSeconds: "Identical alerts within this window are sent once.",
  databaseCpuAlarmPercent: "RDS CPU alarm threshold in percent.",
  databaseFreeStorageAlarmGb: "RDS free storage alarm threshold in GiB.",
  databaseConnectionsAlarm: "RDS connections alarm threshold.",
  queueDepthAlarm: "Messages in an on-failure queue that raise the alarm.",
  // Not declared in Pulumi.yaml (no sensible default; a declared key without one is required per stack):
  uploadAuthToken:
    'Secret (32+ characters) the upload function signs bearer tokens with, for uploadAuthMode "token".',
  slackWebhookUrl:
    "Slack incoming webhook; stored as an SSM SecureString the alerts function reads. Required to deploy.",
  alertEmail: "E-mail address subscribed to the SNS alerts topic.",
} as const satisfies Record<StackConfigKey, string>;
