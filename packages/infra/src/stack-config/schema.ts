/**
 * The stack config schema: the flat keys of Pulumi.<stack>.yaml with their defaults, and the structured
 * config the components get (`StackConfig`, the schema's output type). Per-function keys and their defaults
 * come from the catalog; lists come from the packages that own them (content types from @lambda-lab/shared,
 * the variant rule from the transform function's own env schema).
 *
 * Keys are flat camelCase because Pulumi.yaml's config schema only types strings, integers, booleans and
 * arrays. Pulumi.yaml's `config:` block is written from this schema (pulumi-project.ts).
 */
import {
  type CamelId,
  camelId,
  FUNCTION_IDS,
  FUNCTIONS,
  type FunctionId,
  type ScheduledFunctionId,
  scheduleOf,
  triggered,
} from "@lambda-lab/catalog";
import { DEFAULT_NODE_RUNTIME, NODE_RUNTIME_NAMES, type NodeRuntime } from "@lambda-lab/catalog/runtimes";
import { IMAGE_TYPES, type ImageContentType, TimeZone } from "@lambda-lab/shared";
import { TransformEnv } from "@lambda-lab/transform/env";
import * as z from "zod";
import { INTERFACE_ENDPOINT_SERVICES } from "./functions.js";

/** The Node.js runtimes a stack may deploy (`lambdaRuntime`): the catalog's table. */
export const LAMBDA_NODE_RUNTIMES = NODE_RUNTIME_NAMES as [NodeRuntime, ...NodeRuntime[]];
export type LambdaNodeRuntime = NodeRuntime;

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
export const DEFAULT_POSTGRES_VERSION = "17";

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const bool = z.boolean();

/** EventBridge Scheduler expressions; at() is excluded because these are recurring jobs. */
export const scheduleExpression = z
  .string()
  .regex(/^(cron\(\S+( \S+){5}\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/, {
    message: 'must be "cron(min hour day month weekday year)" or "rate(N unit)"',
  });
const origin = z
  .string()
  .regex(/^(\*|https?:\/\/[^/\s]+)$/, { message: 'must be an origin such as "https://example.com" or "*"' });

const IMAGE_CONTENT_TYPES = Object.keys(IMAGE_TYPES) as [ImageContentType, ...ImageContentType[]];

const parseVariant = (entry: string) => {
  const [name = "", width = ""] = entry.split(":");
  return { name, width: Number(width) };
};

/** `"<name>:<width>"` entries, held to the transform function's own VARIANTS rule (name, width, uniqueness). */
const variantEntries = z
  .array(
    z.string().regex(/^[^:]+:\d+$/, { message: 'each entry must be "<name>:<width>" such as "thumb:200"' }),
  )
  .min(1)
  .superRefine((entries, ctx) => {
    const variants = entries.map(parseVariant);
    const result = TransformEnv.shape.VARIANTS.safeParse(JSON.stringify(variants));
    if (!result.success)
      for (const issue of result.error.issues)
        ctx.addIssue({ code: "custom", message: `the transform function would refuse it: ${issue.message}` });
  });

type IntKey = z.ZodDefault<z.ZodNumber>;
type SettingSuffix = "MemoryMb" | "TimeoutSeconds" | "ReservedConcurrency";
/** `uploadMemoryMb`, `uploadTimeoutSeconds`, `uploadReservedConcurrency`, … for every stack function. */
type FunctionKeyShape = { [K in FunctionId as `${CamelId<K>}${SettingSuffix}`]: IntKey };
/** `orphanCleanupSchedule`, `dailyStatsSchedule`: one per scheduled function. */
type ScheduleKeyShape = {
  [K in ScheduledFunctionId as `${CamelId<K>}Schedule`]: z.ZodDefault<typeof scheduleExpression>;
};

/** Every stack function's memory, timeout and reservation keys, with the catalog's defaults. */
const functionKeys = (): FunctionKeyShape =>
  Object.fromEntries(
    FUNCTION_IDS.flatMap((id) => {
      const { memoryMb, timeoutSeconds, reservedConcurrency } = FUNCTIONS[id].defaults;
      const c = camelId(id);
      return [
        [`${c}MemoryMb`, int(128, 10_240).default(memoryMb)],
        [`${c}TimeoutSeconds`, int(1, 900).default(timeoutSeconds)],
        [`${c}ReservedConcurrency`, int(0, 10_000).default(reservedConcurrency)],
      ];
    }),
  ) as FunctionKeyShape;

export const SCHEDULED_IDS = triggered("schedule").map((t) => t.id);
export const scheduleKeyOf = (id: ScheduledFunctionId) => `${camelId(id)}Schedule` as const;
/** Every scheduled function's expression key, defaulting to the catalog's expression. */
const scheduleKeys = (): ScheduleKeyShape =>
  Object.fromEntries(
    SCHEDULED_IDS.map((id) => [
      scheduleKeyOf(id),
      scheduleExpression.default(scheduleOf(id).defaultExpression),
    ]),
  ) as ScheduleKeyShape;

/** The flat keys as written in Pulumi.<stack>.yaml (without the `lambda-lab:` namespace). */
export const StackConfigKeys = z
  .object({
    architecture: z.enum(["arm64", "x86_64"]).default("arm64"),
    // Lambda's managed Node.js runtimes @pulumi/aws 7.48 knows (aws.lambda.Runtime.NodeJS22dX / NodeJS24dX).
    lambdaRuntime: z.enum(LAMBDA_NODE_RUNTIMES).default(DEFAULT_NODE_RUNTIME),
    protect: bool.default(false),
    forceDestroy: bool.default(false),
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
      })
      .default(14),
    // The rule every function schema uses too (@lambda-lab/shared env-fields), so none refuses what this accepts.
    // A zod/mini schema (the functions' bundles carry no classic zod), so its default is the functional form.
    timeZone: z._default(TimeZone, "Asia/Seoul"),

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
    ...functionKeys(),

    uploadAllowedContentTypes: z.array(z.enum(IMAGE_CONTENT_TYPES)).min(1).default(IMAGE_CONTENT_TYPES),
    uploadMaxBytes: int(1, 5 * 1024 ** 3).default(20 * 1024 * 1024),
    // The upload function refuses forms that live longer than five minutes.
    uploadUrlTtlSeconds: int(1, 300).default(300),
    uploadAuthMode: z.enum(["none", "token"]).default("none"),
    uploadAuthToken: Secret.optional(),
    corsAllowedOrigins: z.array(origin).min(1).default(["*"]),

    // The transform function's own defaults, so the stack states what is deployed.
    transformVariants: variantEntries.default(TRANSFORM_DEFAULTS.VARIANTS.map((v) => `${v.name}:${v.width}`)),
    transformOutputFormats: z
      .array(z.enum(["webp", "jpeg", "avif"]))
      .min(1)
      .default(TRANSFORM_DEFAULTS.OUTPUT_FORMATS),
    transformMaxInputBytes: int(1).default(TRANSFORM_DEFAULTS.MAX_INPUT_BYTES),
    transformMaxInputPixels: int(1).default(TRANSFORM_DEFAULTS.MAX_INPUT_PIXELS),
    transformAnimation: z.enum(["keep", "first-frame"]).default(TRANSFORM_DEFAULTS.ANIMATION),

    ...scheduleKeys(),
    orphanCleanupGracePeriodHours: int(0, 24 * 365).default(24),
    orphanCleanupMaxDeletes: int(1).default(1000),
    orphanCleanupDryRun: bool.default(false),

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

/** AWS keeps at least this many executions unreserved in every account; the preflight enforces it. */
export const MIN_UNRESERVED_CONCURRENCY = 100;

/** Each function's settings, read from its keys. */
export const functionSettingsOf = (keys: StackConfigKeys): Record<FunctionId, FunctionSettings> => {
  const k = keys as unknown as Record<string, number>;
  return Object.fromEntries(
    FUNCTION_IDS.map((id) => [
      id,
      {
        memoryMb: k[`${camelId(id)}MemoryMb`] as number,
        timeoutSeconds: k[`${camelId(id)}TimeoutSeconds`] as number,
        reservedConcurrency: keys.reservedConcurrencyEnabled
          ? (k[`${camelId(id)}ReservedConcurrency`] as number)
          : undefined,
      },
    ]),
  ) as Record<FunctionId, FunctionSettings>;
};

/** The flat keys grouped by component; what the program and the lab read. */
const structure = (keys: StackConfigKeys) => {
  const functions = functionSettingsOf(keys);
  const totalReserved = FUNCTION_IDS.reduce((sum, id) => sum + (functions[id].reservedConcurrency ?? 0), 0);
  const schedules = Object.fromEntries(SCHEDULED_IDS.map((id) => [id, keys[scheduleKeyOf(id)]])) as Record<
    ScheduledFunctionId,
    string
  >;
  return {
    /** Lambda's spelling (`x86_64` | `arm64`). */
    architecture: keys.architecture,
    /** Lambda's managed runtime of every function; the lab runs its environments on that Node.js major. */
    lambdaRuntime: keys.lambdaRuntime,
    /** The artifact folder for that architecture: packages/functions/<id>/dist/<artifactArch>.zip. */
    artifactArch: keys.architecture === "x86_64" ? ("x64" as const) : ("arm64" as const),
    /** Pulumi `protect` on the stateful resources: the stack's "protected" flag, never its name. */
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
      totalReserved,
      alarmPercent: keys.concurrencyAlarmPercent,
    },
    functions,
    /** Each scheduled function's expression (its `<camelId>Schedule` key). */
    schedules,
    upload: {
      allowedContentTypes: keys.uploadAllowedContentTypes as string[],
      maxUploadBytes: keys.uploadMaxBytes,
      urlTtlSeconds: keys.uploadUrlTtlSeconds,
      authMode: keys.uploadAuthMode,
      authToken: keys.uploadAuthToken as SecretConfigValue | undefined,
      corsAllowedOrigins: keys.corsAllowedOrigins,
    },
    transform: {
      /** Parsed from "<name>:<width>" entries. */
      variants: keys.transformVariants.map(parseVariant),
      outputFormats: keys.transformOutputFormats,
      maxInputBytes: keys.transformMaxInputBytes,
      maxInputPixels: keys.transformMaxInputPixels,
      animation: keys.transformAnimation,
    },
    orphanCleanup: {
      schedule: schedules["orphan-cleanup"],
      gracePeriodHours: keys.orphanCleanupGracePeriodHours,
      maxDeletes: keys.orphanCleanupMaxDeletes,
      dryRun: keys.orphanCleanupDryRun,
    },
    dailyStats: { schedule: schedules["daily-stats"] },
    storage: {
      quarantineExpirationDays: keys.quarantineExpirationDays,
      abortIncompleteUploadDays: keys.abortIncompleteUploadDays,
    },
    alerts: {
      slackWebhookUrl: keys.slackWebhookUrl as SecretConfigValue | undefined,
      dedupWindowSeconds: keys.alertsDedupWindowSeconds,
      email: keys.alertEmail as string | undefined,
    },
    alarms: {
      databaseCpuPercent: keys.databaseCpuAlarmPercent,
      databaseFreeStorageGb: keys.databaseFreeStorageAlarmGb,
      databaseConnections: keys.databaseConnectionsAlarm,
      queueDepth: keys.queueDepthAlarm,
    },
  };
};

export { structure as structureStackConfig };

/** The flat keys in, the structured config out: `StackConfig` is this schema's output type. */
export const StackConfigSchema = StackConfigKeys.transform(structure);

/** The validated, structured stack configuration handed to the components. */
export type StackConfig = { stack: string } & z.output<typeof StackConfigSchema>;
