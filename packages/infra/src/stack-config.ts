/**
 * The stack configuration: one schema, read by the Pulumi program (config.ts) and by the local lab
 * (which reads stacks/Pulumi.<stack>.yaml directly). Pure: no Pulumi import, so the lab does not load the SDK.
 *
 * Keys are flat camelCase because Pulumi.yaml's config schema only types strings, integers, booleans and
 * arrays. Defaults live here, in one place: Pulumi.yaml's `config:` block is written from this schema
 * (stack-config/pulumi-project.ts), and a test keeps the file equal to what it would write.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TransformEnv } from "@lambda-lab/transform/env";
import { parse as parseYaml } from "yaml";
import * as z from "zod";
import { planSubnets } from "./stack-config/subnet-plan.js";

export const PROJECT = "lambda-lab";

/**
 * The Node.js runtimes a stack may deploy (`lambdaRuntime`). nodejs22.x leaves Lambda's support window in
 * 2027; the artifact builder (packages/artifact) keeps an esbuild target and a Node.js binary for each.
 */
export const LAMBDA_NODE_RUNTIMES = ["nodejs22.x", "nodejs24.x"] as const;
export type LambdaNodeRuntime = (typeof LAMBDA_NODE_RUNTIMES)[number];

export const FUNCTION_IDS = ["upload", "transform", "orphan-cleanup", "daily-stats", "alerts"] as const;
export type FunctionId = (typeof FUNCTION_IDS)[number];

/**
 * Lambda's async retries per function (MaximumRetryAttempts), read by the Pulumi program and the local lab.
 * transform is idempotent (manifest check) so it gets the default two; orphan-cleanup checkpoints and runs
 * again at the next schedule, so a failed run is reported, not repeated.
 */
export const ASYNC_RETRY_ATTEMPTS: Readonly<Record<FunctionId, 0 | 1 | 2>> = {
  upload: 0,
  transform: 2,
  "orphan-cleanup": 0,
  "daily-stats": 1,
  alerts: 1,
};

/** AWS services a VPC function may call; S3 is reached through the free gateway endpoint. */
export const INTERFACE_ENDPOINT_SERVICES = [
  "secretsmanager",
  "ssm",
  "ssmmessages",
  "ec2messages",
  "kms",
  "logs",
  "monitoring",
  "sts",
] as const;
/** What the web-app host's SSM agent and CloudWatch agent call when it sits in a private subnet. */
export const WEB_APP_HOST_SERVICES: readonly InterfaceEndpointService[] = [
  "ssm",
  "ssmmessages",
  "ec2messages",
  "logs",
  "monitoring",
];
export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)[number];

export interface FunctionNeeds {
  /** Runs inside the VPC (reaches the database or the EFS access point). */
  vpc: boolean;
  database: boolean;
  efs: boolean;
  /** AWS APIs it calls besides S3; inside the VPC each needs a NAT route or an interface endpoint. */
  awsServices: readonly InterfaceEndpointService[];
  /** Calls hosts outside AWS (e.g. Slack); inside the VPC only a NAT gateway gets it there. */
  internet: boolean;
  /** Invoked asynchronously (S3, Scheduler, CloudWatch): gets an on-failure destination. */
  async: boolean;
}

/** What each function needs from the network; the program and the preflight both read this. */
export const FUNCTION_NEEDS: Record<FunctionId | "migrate", FunctionNeeds> = {
  upload: { vpc: false, database: false, efs: false, awsServices: [], internet: false, async: false },
  transform: { vpc: false, database: false, efs: false, awsServices: [], internet: false, async: true },
  "orphan-cleanup": {
    vpc: true,
    database: true,
    efs: true,
    awsServices: ["secretsmanager"],
    internet: false,
    async: true,
  },
  "daily-stats": {
    vpc: true,
    database: true,
    efs: false,
    awsServices: ["secretsmanager"],
    internet: false,
    async: true,
  },
  alerts: {
    vpc: false,
    database: false,
    efs: false,
    awsServices: ["ssm", "kms"],
    internet: true,
    async: true,
  },
  /** The deploy-time migration runner (packages/migrate-fn): invoked synchronously by Pulumi. */
  migrate: {
    vpc: true,
    database: true,
    efs: false,
    awsServices: ["secretsmanager"],
    internet: false,
    async: false,
  },
};

/**
 * Lambda polls an SQS source with at least 2 concurrent batches (ScalingConfig.MaximumConcurrency: 2–1000,
 * Lambda developer guide, "Configuring scaling behavior for SQS event source mappings"). The alerts
 * function's on-failure sources are capped at that minimum, so its reservation can be sized from it.
 */
export const ALERTS_QUEUE_MAX_CONCURRENCY = 2;
/** The on-failure queues the alerts function consumes: every async function's but its own. */
export const ALERTS_CONSUMED_QUEUES = FUNCTION_IDS.filter(
  (id) => id !== "alerts" && FUNCTION_NEEDS[id].async,
);
/** The queues' pollers at their cap, plus one for the SNS alarms and log deliveries that arrive meanwhile. */
export const ALERTS_MIN_RESERVED = ALERTS_CONSUMED_QUEUES.length * ALERTS_QUEUE_MAX_CONCURRENCY + 1;

/** AWS keeps at least this many executions unreserved in every account; the preflight enforces it. */
export const MIN_UNRESERVED_CONCURRENCY = 100;

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** A `secure:` value as it sits in the stack file: opaque ciphertext only the Pulumi CLI can decrypt. */
export const SecureValue = z.object({ secure: z.string().min(1) }).strict();
export type SecureValue = z.infer<typeof SecureValue>;
/** A secret: plaintext inside a Pulumi run, opaque when read from the file. */
const Secret = z.union([z.string().min(1), SecureValue]);
export type SecretConfigValue = z.infer<typeof Secret>;

/** What the transform function uses when a variable is unset: the stack's defaults, read from its schema. */
const TRANSFORM_DEFAULTS = TransformEnv.parse({ BUCKET_NAME: "defaults" });
const DEFAULT_POSTGRES_VERSION = "17";

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const bool = z.boolean();

const timeZone = z
  .string()
  .refine(
    (tz) => Intl.supportedValuesOf("timeZone").includes(tz) || tz === "UTC",
    "is not an IANA time zone",
  );
/** EventBridge Scheduler expressions; at() is excluded because these are recurring jobs. */
const scheduleExpression = z
  .string()
  .regex(/^(cron\(\S+( \S+){5}\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/, {
    message: 'must be "cron(min hour day month weekday year)" or "rate(N unit)"',
  });
const origin = z
  .string()
  .regex(/^(\*|https?:\/\/[^/\s]+)$/, { message: 'must be an origin such as "https://example.com" or "*"' });

type IntKey = z.ZodDefault<z.ZodNumber>;
/** Typed template keys, so `StackConfigKey` names `uploadMemoryMb` and a missing description fails to compile. */
const functionKeys = <F extends string>(fn: F, memoryMb: number, timeoutSeconds: number, reserved: number) =>
  ({
    [`${fn}MemoryMb`]: int(128, 10_240).default(memoryMb),
    [`${fn}TimeoutSeconds`]: int(1, 900).default(timeoutSeconds),
    [`${fn}ReservedConcurrency`]: int(0, 10_000).default(reserved),
  }) as { [K in `${F}MemoryMb` | `${F}TimeoutSeconds` | `${F}ReservedConcurrency`]: IntKey };

/** The flat keys as written in Pulumi.<stack>.yaml (without the `lambda-lab:` namespace). */
export const StackConfigKeys = z
  .object({
    architecture: z.enum(["arm64", "x86_64"]).default("arm64"),
    // Lambda's managed Node.js runtimes @pulumi/aws 7.48 knows (aws.lambda.Runtime.NodeJS22dX / NodeJS24dX).
    lambdaRuntime: z.enum(LAMBDA_NODE_RUNTIMES).default("nodejs24.x"),
    protect: bool.default(false),
    forceDestroy: bool.default(false),
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
      })
      .default(14),
    timeZone: timeZone.default("Asia/Seoul"),

    // Its bound depends on subnetLayout: checked against the subnet plan in the preflight.
    vpcCidr: z
      .string()
      .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, { message: "must be an IPv4 CIDR such as 10.20.0.0/16" })
      .default("10.20.0.0/16"),
    natStrategy: z.enum(["none", "single", "onePerAz"]).default("none"),
    interfaceEndpoints: z.array(z.enum(INTERFACE_ENDPOINT_SERVICES)).default(["secretsmanager"]),
    subnetLayout: z.enum(["shared", "split"]).default("shared"),

    databaseEngine: z.enum(["postgres", "mysql"]).default("postgres"),
    // A string: "17.4" or "8.4" must never become a number on the way (see decodeConfigValues).
    databaseEngineVersion: z
      .string()
      .regex(/^\d+(\.\d+)*$/, { message: 'must be an engine version such as "17" or "8.4"' })
      .default(DEFAULT_POSTGRES_VERSION),
    databaseInstanceClass: z
      .string()
      .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { message: 'must be an RDS class such as "db.t4g.micro"' })
      .default("db.t4g.micro"),
    databaseName: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, { message: "must be a lower-case identifier" })
      .default("lab"),
    databaseAllocatedStorageGb: int(20, 65_536).default(20),
    databaseMaxAllocatedStorageGb: int(0, 65_536).default(0),
    databaseMultiAz: bool.default(false),
    databaseBackupRetentionDays: int(0, 35).default(1),
    databaseDeletionProtection: bool.default(false),
    databaseFinalSnapshot: bool.default(false),
    databaseSlowQueryMs: int(0, 3_600_000).default(500),
    databaseMigrateOnDeploy: bool.default(true),

    webAppEnabled: bool.default(false),
    webAppInstanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: 'must be an EC2 type such as "t4g.small"' })
      .default("t4g.small"),
    webAppPublic: bool.default(false),

    reservedConcurrencyEnabled: bool.default(true),
    reservedConcurrencyZeroAllowed: bool.default(false),
    accountConcurrencyLimit: int(1).default(1000),
    concurrencyAlarmPercent: int(1, 100).default(80),
    ...functionKeys("upload", 256, 10, 10),
    ...functionKeys("transform", 1536, 60, 10),
    ...functionKeys("orphanCleanup", 512, 300, 1),
    ...functionKeys("dailyStats", 256, 120, 1),
    ...functionKeys("alerts", 256, 30, 8),

    uploadAllowedContentTypes: z
      .array(z.enum(["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"]))
      .min(1)
      .default(["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"]),
    uploadMaxBytes: int(1, 5 * 1024 ** 3).default(20 * 1024 * 1024),
    // The upload function refuses forms that live longer than five minutes.
    uploadUrlTtlSeconds: int(1, 300).default(300),
    uploadAuthMode: z.enum(["none", "token"]).default("none"),
    uploadAuthToken: Secret.optional(),
    corsAllowedOrigins: z.array(origin).min(1).default(["*"]),

    // The transform function's own defaults, so the stack states what is deployed.
    transformVariants: z
      .array(
        z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}:[1-9]\d{0,3}$/, {
          message: 'each entry must be "<name>:<width>" such as "thumb:200"',
        }),
      )
      .min(1)
      .default(TRANSFORM_DEFAULTS.VARIANTS.map((v) => `${v.name}:${v.width}`)),
    transformOutputFormats: z
      .array(z.enum(["webp", "jpeg", "avif"]))
      .min(1)
      .default(TRANSFORM_DEFAULTS.OUTPUT_FORMATS),
    transformMaxInputBytes: int(1).default(TRANSFORM_DEFAULTS.MAX_INPUT_BYTES),
    transformMaxInputPixels: int(1).default(TRANSFORM_DEFAULTS.MAX_INPUT_PIXELS),
    transformAnimation: z.enum(["keep", "first-frame"]).default(TRANSFORM_DEFAULTS.ANIMATION),

    orphanCleanupSchedule: scheduleExpression.default("cron(30 * * * ? *)"),
    orphanCleanupGracePeriodHours: int(0, 24 * 365).default(24),
    orphanCleanupMaxDeletes: int(1).default(1000),
    orphanCleanupDryRun: bool.default(false),
    dailyStatsSchedule: scheduleExpression.default("cron(5 0 * * ? *)"),

    quarantineExpirationDays: int(1, 3650).default(30),
    abortIncompleteUploadDays: int(1, 365).default(1),

    slackWebhookUrl: Secret.optional(),
    alertsDedupWindowSeconds: int(0, 86_400).default(900),
    alertEmail: z.email().optional(),

    databaseCpuAlarmPercent: int(1, 100).default(80),
    databaseFreeStorageAlarmGb: int(1).default(2),
    databaseConnectionsAlarm: int(1).default(80),
    queueDepthAlarm: int(1).default(1),
  })
  .strict();
export type StackConfigKeys = z.infer<typeof StackConfigKeys>;
export type StackConfigKey = keyof z.input<typeof StackConfigKeys>;

export interface FunctionSettings {
  memoryMb: number;
  timeoutSeconds: number;
  /** undefined when the stack turns reservation off (new accounts whose limit is 10). */
  reservedConcurrency: number | undefined;
}

/** The validated, structured stack configuration handed to the components. */
export interface StackConfig {
  stack: string;
  /** Lambda's spelling (`x86_64` | `arm64`). */
  architecture: "arm64" | "x86_64";
  /** Lambda's managed runtime of every function; the lab runs its environments on that Node.js major. */
  lambdaRuntime: LambdaNodeRuntime;
  /** The artifact folder for that architecture: packages/functions/<id>/dist/<artifactArch>.zip. */
  artifactArch: "arm64" | "x64";
  protect: boolean;
  forceDestroy: boolean;
  logRetentionDays: number;
  timeZone: string;
  network: {
    vpcCidr: string;
    natStrategy: "none" | "single" | "onePerAz";
    interfaceEndpoints: InterfaceEndpointService[];
    subnetLayout: "shared" | "split";
  };
  database: {
    engine: "postgres" | "mysql";
    engineVersion: string;
    instanceClass: string;
    name: string;
    port: number;
    allocatedStorageGb: number;
    maxAllocatedStorageGb: number;
    multiAz: boolean;
    backupRetentionDays: number;
    deletionProtection: boolean;
    finalSnapshot: boolean;
    slowQueryMs: number;
    migrateOnDeploy: boolean;
  };
  webApp: { enabled: boolean; instanceType: string; public: boolean };
  concurrency: {
    reserve: boolean;
    accountLimit: number;
    minUnreserved: number;
    totalReserved: number;
    alarmPercent: number;
  };
  functions: Record<FunctionId, FunctionSettings>;
  upload: {
    allowedContentTypes: string[];
    maxUploadBytes: number;
    urlTtlSeconds: number;
    authMode: "none" | "token";
    authToken: SecretConfigValue | undefined;
    corsAllowedOrigins: string[];
  };
  transform: {
    /** Parsed from "<name>:<width>" entries. */
    variants: { name: string; width: number }[];
    outputFormats: ("webp" | "jpeg" | "avif")[];
    maxInputBytes: number;
    maxInputPixels: number;
    animation: "keep" | "first-frame";
  };
  orphanCleanup: { schedule: string; gracePeriodHours: number; maxDeletes: number; dryRun: boolean };
  dailyStats: { schedule: string };
  storage: { quarantineExpirationDays: number; abortIncompleteUploadDays: number };
  alerts: {
    slackWebhookUrl: SecretConfigValue | undefined;
    dedupWindowSeconds: number;
    email: string | undefined;
  };
  alarms: {
    databaseCpuPercent: number;
    databaseFreeStorageGb: number;
    databaseConnections: number;
    queueDepth: number;
  };
}

/** A stack configuration that cannot be deployed; the message names the stack, the keys and the numbers. */
export class StackConfigError extends Error {
  override name = "StackConfigError";
  constructor(
    readonly stackName: string,
    readonly problems: readonly string[],
  ) {
    super(`stack "${stackName}": invalid configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

const camel = (id: FunctionId) => id.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const key = (k: string) => `${PROJECT}:${k}`;

const formatIssue = (issue: z.core.$ZodIssue): string[] => {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => `${key(k)}: unknown key (see Pulumi.yaml for the keys this project reads)`);
  }
  const path = issue.path.map(String);
  const name =
    path.length > 0
      ? key(path[0] ?? "") +
        path
          .slice(1)
          .map((p) => `[${p}]`)
          .join("")
      : "(config)";
  return [`${name}: ${issue.message}`];
};

/**
 * Physical names are `lambda-lab-<stack>-<function id>` (Lambda: at most 64 of A-Z a-z 0-9 - _) and the
 * database is `lambda-lab-<stack>` (RDS: lower-case letters, digits and single hyphens, at most 63).
 */
const stackNameProblems = (stack: string): string[] => {
  const longest = [...FUNCTION_IDS, "migrate"].reduce((a, b) => (b.length > a.length ? b : a));
  const functionName = `${PROJECT}-${stack}-${longest}`;
  const problems: string[] = [];
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(stack))
    problems.push(
      `stack name "${stack}": use lower-case letters, digits and single hyphens (it names the RDS instance)`,
    );
  if (functionName.length > 64)
    problems.push(
      `stack name "${stack}" is too long: the function name ${functionName} has ${functionName.length} characters, Lambda allows 64`,
    );
  return problems;
};

/** Cross-key rules: the preflight that must fail before Pulumi plans a single resource. */
const preflight = (keys: StackConfigKeys, functions: Record<FunctionId, FunctionSettings>): string[] => {
  const problems: string[] = [];
  const subnets = planSubnets(keys.vpcCidr, keys.subnetLayout);
  if ("problem" in subnets) problems.push(`${key("vpcCidr")}=${keys.vpcCidr} ${subnets.problem}`);
  // PostgreSQL majors are 10 and up, MySQL's 5 to 9: a version of the other engine is a copy-paste slip.
  const major = Number(keys.databaseEngineVersion.split(".")[0]);
  if (keys.databaseEngine === "postgres" ? major < 10 : major >= 10) {
    problems.push(
      `${key("databaseEngineVersion")}="${keys.databaseEngineVersion}" is not a ${keys.databaseEngine} version ` +
        `(set it with ${key("databaseEngine")}, e.g. "${keys.databaseEngine === "postgres" ? DEFAULT_POSTGRES_VERSION : "8.4"}")`,
    );
  }
  if (keys.reservedConcurrencyEnabled && !keys.reservedConcurrencyZeroAllowed) {
    const zero = FUNCTION_IDS.filter((id) => functions[id].reservedConcurrency === 0);
    if (zero.length > 0) {
      problems.push(
        `${zero.map((id) => `${key(`${camel(id)}ReservedConcurrency`)}=0`).join(", ")} would stop ` +
          `${zero.length === 1 ? "that function" : "those functions"} from ever running (Lambda throttles every ` +
          `invocation); set ${key("reservedConcurrencyZeroAllowed")}=true if that is the point`,
      );
    }
  }
  const alertsReserved = functions.alerts.reservedConcurrency;
  if (alertsReserved !== undefined && alertsReserved > 0 && alertsReserved < ALERTS_MIN_RESERVED) {
    problems.push(
      `${key("alertsReservedConcurrency")}=${alertsReserved} is below what its SQS sources can run at once: ` +
        `${ALERTS_CONSUMED_QUEUES.length} on-failure queues × ${ALERTS_QUEUE_MAX_CONCURRENCY} pollers + 1 for alarms ` +
        `and logs = ${ALERTS_MIN_RESERVED}; below that the alerts function throttles itself (set at least ${ALERTS_MIN_RESERVED})`,
    );
  }
  if (keys.reservedConcurrencyEnabled) {
    const total = FUNCTION_IDS.reduce((sum, id) => sum + (functions[id].reservedConcurrency ?? 0), 0);
    const unreserved = keys.accountConcurrencyLimit - total;
    if (total > 0 && unreserved < MIN_UNRESERVED_CONCURRENCY) {
      const parts = FUNCTION_IDS.map(
        (id) => `${camel(id)}ReservedConcurrency=${functions[id].reservedConcurrency}`,
      );
      problems.push(
        `reserved concurrency ${total} (${parts.join(" + ")}) leaves ${unreserved} unreserved of ` +
          `${key("accountConcurrencyLimit")}=${keys.accountConcurrencyLimit}; AWS keeps at least ` +
          `${MIN_UNRESERVED_CONCURRENCY} unreserved, so at most ${Math.max(0, keys.accountConcurrencyLimit - MIN_UNRESERVED_CONCURRENCY)} ` +
          `can be reserved. Lower the reservations, raise the limit after a quota increase, or set ` +
          `${key("reservedConcurrencyEnabled")}=false (new accounts with a limit of 10).`,
      );
    }
  }
  if (keys.natStrategy === "none") {
    for (const id of [...FUNCTION_IDS, "migrate" as const]) {
      const needs = FUNCTION_NEEDS[id];
      if (!needs.vpc) continue;
      if (needs.internet) {
        problems.push(
          `${id} runs in the VPC and calls the internet, but ${key("natStrategy")} is "none": set it to "single" or "onePerAz"`,
        );
      }
      const missing = needs.awsServices.filter((s) => !keys.interfaceEndpoints.includes(s));
      if (missing.length > 0) {
        problems.push(
          `${id} runs in the VPC and calls ${missing.join(", ")}, but ${key("natStrategy")} is "none" and ` +
            `${key("interfaceEndpoints")} lacks ${missing.map((s) => `"${s}"`).join(", ")}: add the endpoint(s) or a NAT gateway`,
        );
      }
    }
  }
  if (keys.natStrategy === "none" && keys.webAppEnabled && !keys.webAppPublic) {
    const missing = WEB_APP_HOST_SERVICES.filter((s) => !keys.interfaceEndpoints.includes(s));
    if (missing.length > 0) {
      problems.push(
        `the web-app host sits in a private subnet and its SSM and CloudWatch agents call ${missing.join(", ")}, ` +
          `but ${key("natStrategy")} is "none" and ${key("interfaceEndpoints")} lacks them: add the endpoints, ` +
          `a NAT gateway, or set ${key("webAppPublic")}=true`,
      );
    }
  }
  if (keys.databaseEngine === "mysql" && keys.databaseMigrateOnDeploy) {
    problems.push(
      `${key("databaseEngine")} is "mysql" but the migrations (and the functions' queries) are PostgreSQL: ` +
        `set ${key("databaseMigrateOnDeploy")}=false to deploy MySQL for comparison`,
    );
  }
  if (keys.webAppPublic && !keys.webAppEnabled) {
    problems.push(`${key("webAppPublic")} is true but ${key("webAppEnabled")} is false`);
  }
  if (
    keys.databaseMaxAllocatedStorageGb !== 0 &&
    keys.databaseMaxAllocatedStorageGb < keys.databaseAllocatedStorageGb
  ) {
    problems.push(
      `${key("databaseMaxAllocatedStorageGb")}=${keys.databaseMaxAllocatedStorageGb} is below ` +
        `${key("databaseAllocatedStorageGb")}=${keys.databaseAllocatedStorageGb} (0 turns storage autoscaling off)`,
    );
  }
  return problems;
};

/**
 * Validates a stack's configuration. `raw` holds the `lambda-lab` keys with or without the namespace and
 * typed values (from YAML, or config values already JSON-decoded by `decodePulumiConfigValues`).
 * Keys of other namespaces (`aws:region`) are ignored. Throws a StackConfigError naming every problem.
 */
export const parseStackConfig = (stack: string, raw: Record<string, unknown>): StackConfig => {
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith(`${PROJECT}:`)) own[k.slice(PROJECT.length + 1)] = v;
    else if (!k.includes(":")) own[k] = v;
  }
  const result = StackConfigKeys.safeParse(own);
  if (!result.success) throw new StackConfigError(stack, result.error.issues.flatMap(formatIssue));
  const keys = result.data;
  const k = keys as unknown as Record<string, number>;

  const functions = Object.fromEntries(
    FUNCTION_IDS.map((id) => [
      id,
      {
        memoryMb: k[`${camel(id)}MemoryMb`] as number,
        timeoutSeconds: k[`${camel(id)}TimeoutSeconds`] as number,
        reservedConcurrency: keys.reservedConcurrencyEnabled
          ? (k[`${camel(id)}ReservedConcurrency`] as number)
          : undefined,
      },
    ]),
  ) as Record<FunctionId, FunctionSettings>;

  const problems = [...stackNameProblems(stack), ...preflight(keys, functions)];
  if (problems.length > 0) throw new StackConfigError(stack, problems);

  return {
    stack,
    architecture: keys.architecture,
    lambdaRuntime: keys.lambdaRuntime,
    artifactArch: keys.architecture === "x86_64" ? "x64" : "arm64",
    protect: keys.protect,
    forceDestroy: keys.forceDestroy,
    logRetentionDays: keys.logRetentionDays,
    timeZone: keys.timeZone,
    network: {
      vpcCidr: keys.vpcCidr,
      natStrategy: keys.natStrategy,
      interfaceEndpoints: keys.interfaceEndpoints,
      subnetLayout: keys.subnetLayout,
    },
    database: {
      engine: keys.databaseEngine,
      engineVersion: keys.databaseEngineVersion,
      instanceClass: keys.databaseInstanceClass,
      name: keys.databaseName,
      port: keys.databaseEngine === "postgres" ? 5432 : 3306,
      allocatedStorageGb: keys.databaseAllocatedStorageGb,
      maxAllocatedStorageGb: keys.databaseMaxAllocatedStorageGb,
      multiAz: keys.databaseMultiAz,
      backupRetentionDays: keys.databaseBackupRetentionDays,
      deletionProtection: keys.databaseDeletionProtection,
      finalSnapshot: keys.databaseFinalSnapshot,
      slowQueryMs: keys.databaseSlowQueryMs,
      migrateOnDeploy: keys.databaseMigrateOnDeploy,
    },
    webApp: { enabled: keys.webAppEnabled, instanceType: keys.webAppInstanceType, public: keys.webAppPublic },
    concurrency: {
      reserve: keys.reservedConcurrencyEnabled,
      accountLimit: keys.accountConcurrencyLimit,
      minUnreserved: MIN_UNRESERVED_CONCURRENCY,
      totalReserved: FUNCTION_IDS.reduce((sum, id) => sum + (functions[id].reservedConcurrency ?? 0), 0),
      alarmPercent: keys.concurrencyAlarmPercent,
    },
    functions,
    upload: {
      allowedContentTypes: keys.uploadAllowedContentTypes,
      maxUploadBytes: keys.uploadMaxBytes,
      urlTtlSeconds: keys.uploadUrlTtlSeconds,
      authMode: keys.uploadAuthMode,
      authToken: keys.uploadAuthToken,
      corsAllowedOrigins: keys.corsAllowedOrigins,
    },
    transform: {
      variants: keys.transformVariants.map((entry) => {
        const [name = "", width = ""] = entry.split(":");
        return { name, width: Number(width) };
      }),
      outputFormats: keys.transformOutputFormats,
      maxInputBytes: keys.transformMaxInputBytes,
      maxInputPixels: keys.transformMaxInputPixels,
      animation: keys.transformAnimation,
    },
    orphanCleanup: {
      schedule: keys.orphanCleanupSchedule,
      gracePeriodHours: keys.orphanCleanupGracePeriodHours,
      maxDeletes: keys.orphanCleanupMaxDeletes,
      dryRun: keys.orphanCleanupDryRun,
    },
    dailyStats: { schedule: keys.dailyStatsSchedule },
    storage: {
      quarantineExpirationDays: keys.quarantineExpirationDays,
      abortIncompleteUploadDays: keys.abortIncompleteUploadDays,
    },
    alerts: {
      slackWebhookUrl: keys.slackWebhookUrl,
      dedupWindowSeconds: keys.alertsDedupWindowSeconds,
      email: keys.alertEmail,
    },
    alarms: {
      databaseCpuPercent: keys.databaseCpuAlarmPercent,
      databaseFreeStorageGb: keys.databaseFreeStorageAlarmGb,
      databaseConnections: keys.databaseConnectionsAlarm,
      queueDepth: keys.queueDepthAlarm,
    },
  };
};

/**
 * Secrets are set per stack with the CLI and are absent from a freshly cloned stack file, so reading a file
 * (the local lab) does not require them; a deployment does. Throws naming each missing secret and its command.
 */
export const requireDeploySecrets = (config: StackConfig): void => {
  const problems: string[] = [];
  const missing = (name: string, example: string) =>
    `${key(name)} is not set: pulumi config set --secret ${key(name)} ${example} --stack ${config.stack}`;
  if (config.upload.authMode === "token" && config.upload.authToken === undefined) {
    problems.push(
      `${key("uploadAuthMode")} is "token" but ${missing("uploadAuthToken", '"$(openssl rand -hex 32)"')}`,
    );
  }
  if (config.alerts.slackWebhookUrl === undefined) {
    problems.push(missing("slackWebhookUrl", "https://hooks.slack.com/services/…"));
  }
  if (typeof config.upload.authToken === "string" && config.upload.authToken.length < MIN_AUTH_TOKEN_LENGTH) {
    problems.push(`${key("uploadAuthToken")} must be at least ${MIN_AUTH_TOKEN_LENGTH} characters`);
  }
  if (problems.length > 0) throw new StackConfigError(config.stack, problems);
};

/** The upload function rejects shorter token secrets (it signs bearer tokens with it). */
export const MIN_AUTH_TOKEN_LENGTH = 32;

/** Decodes the strings Pulumi hands the program by each key's declared type (see stack-config/pulumi-project.ts). */
export { decodeConfigValues as decodePulumiConfigValues } from "./stack-config/pulumi-project.js";

/** The path of a stack's config file: `stacks/Pulumi.<stack>.yaml` under the repository root. */
export const stackConfigPath = (stack: string, repoRoot: string): string =>
  join(repoRoot, "stacks", `Pulumi.${stack}.yaml`);

/**
 * Reads and validates `stacks/Pulumi.<stack>.yaml` without the Pulumi CLI (the local lab uses this).
 * `secure:` values stay opaque `{ secure }` objects: only the CLI can decrypt them.
 */
export const readStackConfigFile = (stack: string, repoRoot: string): StackConfig => {
  const path = stackConfigPath(stack, repoRoot);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new StackConfigError(stack, [`cannot read ${path}: ${(error as Error).message}`]);
  }
  const doc = (parseYaml(text) ?? {}) as { config?: Record<string, unknown> };
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new StackConfigError(stack, [`${path} is not a YAML mapping`]);
  }
  return parseStackConfig(stack, doc.config ?? {});
};
