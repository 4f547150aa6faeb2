/**
 * The vocabulary of the catalog: what may be said about a function. Every field is required (an empty list
 * says "none"), so an entry that forgets a fact does not compile.
 */

/** AWS APIs a VPC function may call besides S3; each needs a NAT route or an interface endpoint. */
export const AWS_SERVICES = [
  "secretsmanager",
  "ssm",
  "ssmmessages",
  "ec2messages",
  "kms",
  "logs",
  "monitoring",
  "sts",
] as const;
export type AwsService = (typeof AWS_SERVICES)[number];

/** What a function needs from the architecture; the program places it and the preflight checks routes. */
export interface FunctionNeeds {
  /** Runs inside the VPC (reaches the database or the EFS access point). */
  vpc: boolean;
  /** Connects to the database: gets its endpoint and reads the RDS-managed secret. */
  database: boolean;
  /** Mounts the EFS access point. */
  efs: boolean;
  /** AWS APIs it calls besides S3; inside the VPC each needs a NAT route or an interface endpoint. */
  awsServices: readonly AwsService[];
  /** Calls hosts outside AWS (e.g. Slack); inside the VPC only a NAT gateway gets it there. */
  internet: boolean;
}

export type S3ObjectAction = "s3:GetObject" | "s3:PutObject" | "s3:DeleteObject";

/** Object actions on key patterns (`uploads/*`, `variants/*\/manifest.json`), never the whole bucket. */
export interface ObjectGrant {
  actions: readonly S3ObjectAction[];
  /** Key patterns as IAM matches them (`*` spans `/`). */
  keys: readonly string[];
  /** The calls in the function's code that need it. */
  why: string;
}

/**
 * `s3:ListBucket`. S3 answers a GET/HEAD of a missing key with 404 only to a caller allowed ListBucket on the
 * bucket, and that check carries no `s3:prefix` (GetObject, "Permissions":
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html): a function that treats absence as an
 * answer needs `bucket`; one that only lists needs `prefixes`.
 */
export type ListGrant =
  | { scope: "none" }
  | { scope: "bucket"; why: string }
  | { scope: "prefixes"; prefixes: readonly string[]; why: string };

export interface S3Access {
  objects: readonly ObjectGrant[];
  list: ListGrant;
}

/** S3 event types a notification may name (S3 user guide, "Supported event types"). */
export type S3EventName =
  | "s3:ObjectCreated:*"
  | "s3:ObjectCreated:Put"
  | "s3:ObjectCreated:Post"
  | "s3:ObjectCreated:Copy"
  | "s3:ObjectCreated:CompleteMultipartUpload"
  | "s3:ObjectRemoved:*";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
/** An API Gateway HTTP API route key. */
export type RouteKey = `${HttpMethod} /${string}`;

/** What invokes a function. The program wires each kind once, for every function that names it. */
export type Trigger =
  /** S3 event notifications on the image bucket; an empty `suffixes` matches any key under the prefix. */
  | { kind: "s3"; prefix: string; suffixes: readonly string[]; events: readonly S3EventName[] }
  /**
   * EventBridge Scheduler in the stack's time zone. The expression is the stack key `<camelId>Schedule`
   * (default below); the input is the function's own `scheduleInput()` from `@lambda-lab/<id>/events`.
   */
  | { kind: "schedule"; defaultExpression: string; keyDescription: string }
  /** The alarms topic every CloudWatch alarm of the stack publishes to. */
  | { kind: "sns"; topic: "alarms" }
  /** A CloudWatch Logs subscription on the database's slow-statement log group. */
  | { kind: "logs"; logGroup: "database-slow-queries" }
  /** SQS event source mappings on every other async function's on-failure queue. */
  | { kind: "sqs"; queues: "on-failure" }
  /** An API Gateway HTTP API (payload 2.0, Lambda proxy) with these routes. */
  | { kind: "http"; routes: readonly RouteKey[] }
  /** Invoked by the program itself on `pulumi up` (aws.lambda.Invocation), synchronously. */
  | { kind: "deploy" };
export type TriggerKind = Trigger["kind"];

/**
 * The sources that invoke Lambda asynchronously ("Invoking Lambda functions" in the Lambda developer guide:
 * S3, SNS, EventBridge Scheduler and CloudWatch Logs use the Event invocation type). A function with one of
 * them gets retries and an on-failure destination; HTTP, SQS polling and the deploy invocation are synchronous.
 */
export const ASYNC_TRIGGER_KINDS: readonly TriggerKind[] = ["s3", "schedule", "sns", "logs"];

/** The SSM SecureStrings the program stores from stack secrets; a function reads them at init. */
export type ParameterId = "slack-webhook-url" | "upload-auth-token";
export interface ParameterSpec {
  description: string;
  /** The stack secret (`lambda-lab:<key>`) whose value it holds. */
  secretKey: "slackWebhookUrl" | "uploadAuthToken";
  /** `always`, or only when the upload API signs tokens (`uploadAuthMode: token`). */
  when: "always" | "upload-token-mode";
}

export type LessonId =
  | "lifecycle"
  | "runtimes"
  | "cold-starts"
  | "statelessness-efs"
  | "concurrency-429"
  | "fifteen-minutes"
  | "presigned-uploads"
  | "s3-events"
  | "async-retries"
  | "orphan-cleanup"
  | "daily-stats"
  | "alarms-to-slack"
  | "slow-queries"
  | "handler-at-root"
  | "subnets-security-groups";

export interface Lesson<Id extends string = string> {
  id: LessonId;
  title: string;
  /** One line, for a learner. */
  explanation: string;
  /** The catalog ids whose behaviour shows it. */
  functions: readonly Id[];
}

/** Per-function stack key descriptions that say more than "<id> memory in MB.". */
export type KeyNotes = Partial<Record<"memoryMb" | "timeoutSeconds" | "reservedConcurrency", string>>;

interface BaseSpec {
  /** Where the package lives (relative to the repository root) and its npm name. */
  package: { dir: string; name: string };
  /** Lambda's description field (at most 256 characters). */
  description: string;
  needs: FunctionNeeds;
  /** MaximumRetryAttempts when invoked asynchronously (an async trigger, or `lab invoke --async`). */
  asyncRetryAttempts: 0 | 1 | 2;
  s3: S3Access;
  parameters: readonly ParameterId[];
  triggers: readonly Trigger[];
  /** File names in packages/lab/events; the first is the default payload of an invoke from the page. */
  sampleEvents: readonly string[];
}

/** A function of the stack: its memory, timeout and reservation are stack keys with these defaults. */
export interface StackFunctionSpec extends BaseSpec {
  kind: "function";
  defaults: { memoryMb: number; timeoutSeconds: number; reservedConcurrency: number };
  keyNotes: KeyNotes;
}

/** A function the program runs itself at deploy time (the migration runner): fixed settings, no stack keys. */
export interface DeployStepSpec extends BaseSpec {
  kind: "deploy-step";
  defaults: { memoryMb: number; timeoutSeconds: number };
}

export type FunctionSpec = StackFunctionSpec | DeployStepSpec;
