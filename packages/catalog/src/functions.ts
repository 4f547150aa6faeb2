/**
 * Every Lambda Lab function, once. The Pulumi program (stack keys and their defaults, Pulumi.yaml, functions,
 * IAM statements, triggers), the local lab, repo-checks and the README's table read these entries; nothing
 * else states them. `satisfies` makes an entry without one of its facts a compile error.
 */
import { manifestKeyOf, PREFIXES, quarantineKeyOf } from "@lambda-lab/shared";
import type { FunctionSpec, ParameterId, ParameterSpec } from "./spec.js";

/** `uploads/` → `uploads/*`: every key under a prefix. */
export const under = (prefix: string): string => `${prefix}*`;
/** What readers GET or HEAD: an image's manifest (never a variant image) and its quarantine marker. */
const MANIFESTS = manifestKeyOf("*");
const MARKERS = quarantineKeyOf("*");
const { uploads, variants, quarantine, reports } = PREFIXES;

const NO_S3 = { objects: [], list: { scope: "none" } } as const;
const NOWHERE = { vpc: false, database: false, efs: false, awsServices: [], internet: false } as const;

export const FUNCTIONS = {
  upload: {
    kind: "function",
    package: { dir: "packages/functions/upload", name: "@lambda-lab/upload" },
    description: "Issues presigned POST forms for uploads/ and reports an upload's progress",
    defaults: { memoryMb: 256, timeoutSeconds: 10, reservedConcurrency: 10 },
    keyNotes: {},
    needs: NOWHERE,
    asyncRetryAttempts: 0,
    s3: {
      objects: [
        {
          actions: ["s3:PutObject"],
          keys: [under(uploads)],
          why: "signs the POST form with its own credentials, so it may put exactly what the form allows",
        },
        {
          actions: ["s3:GetObject"],
          keys: [under(uploads), MANIFESTS, MARKERS],
          why: "upload-status.ts HEADs the listed original and GETs the manifest and the quarantine marker",
        },
      ],
      list: { scope: "bucket", why: "lists the original; the manifest and marker are usually absent (404)" },
    },
    parameters: ["upload-auth-token"],
    triggers: [{ kind: "http", routes: ["POST /uploads", "GET /uploads/{id}"] }],
    sampleEvents: ["upload-create.json", "upload-status.json"],
  },
  transform: {
    kind: "function",
    package: { dir: "packages/functions/transform", name: "@lambda-lab/transform" },
    description: "Writes the variants of each new upload (S3 uploads/ trigger)",
    defaults: { memoryMb: 1536, timeoutSeconds: 60, reservedConcurrency: 10 },
    keyNotes: { memoryMb: "transform memory in MB (sharp is CPU-bound; CPU scales with memory)." },
    needs: NOWHERE,
    asyncRetryAttempts: 2,
    s3: {
      objects: [
        {
          actions: ["s3:GetObject"],
          keys: [under(uploads), MANIFESTS, MARKERS],
          why: "HEADs the original, its manifest and marker, then GETs the original",
        },
        {
          actions: ["s3:PutObject", "s3:DeleteObject"],
          keys: [under(variants), under(quarantine)],
          why: "writes variants, manifest or marker, and deletes stale ones after listing the image's variants",
        },
      ],
      list: { scope: "bucket", why: "the manifest and marker are absent until written (404 needed)" },
    },
    parameters: [],
    // Outputs go under other prefixes (PREFIXES), so the function can never trigger itself.
    triggers: [{ kind: "s3", prefix: uploads, suffixes: [], events: ["s3:ObjectCreated:*"] }],
    sampleEvents: ["transform-s3-put.json"],
  },
  "orphan-cleanup": {
    kind: "function",
    package: { dir: "packages/functions/orphan-cleanup", name: "@lambda-lab/orphan-cleanup" },
    description: "Deletes originals and variants no database row refers to (scheduled)",
    defaults: { memoryMb: 512, timeoutSeconds: 300, reservedConcurrency: 1 },
    keyNotes: { reservedConcurrency: "orphan-cleanup reserved concurrency (1 keeps runs from overlapping)." },
    needs: { vpc: true, database: true, efs: true, awsServices: ["secretsmanager"], internet: false },
    // It checkpoints and runs again at the next schedule, so a failed run is reported, not repeated.
    asyncRetryAttempts: 0,
    s3: {
      // Lists and deletes; never reads an object (the database decides what is referenced).
      objects: [
        {
          actions: ["s3:DeleteObject"],
          keys: [under(uploads), under(variants), under(quarantine)],
          why: "DeleteObjects of orphans and their outputs",
        },
        { actions: ["s3:PutObject"], keys: [under(`${reports}cleanup/`)], why: "the run's report" },
      ],
      list: {
        scope: "prefixes",
        prefixes: [uploads, variants, quarantine],
        why: "ListObjectsV2 of the three roots; it reads no key that may be absent",
      },
    },
    parameters: [],
    triggers: [
      {
        kind: "schedule",
        defaultExpression: "cron(30 * * * ? *)",
        keyDescription:
          "EventBridge Scheduler expression in timeZone; hourly so a run that stops before the 15-minute limit resumes from its EFS checkpoint at the next firing.",
      },
    ],
    sampleEvents: ["orphan-cleanup-dry-run.json", "orphan-cleanup-scheduled.json"],
  },
  "daily-stats": {
    kind: "function",
    package: { dir: "packages/functions/daily-stats", name: "@lambda-lab/daily-stats" },
    description: "Builds yesterday's upload statistics and report (scheduled)",
    defaults: { memoryMb: 256, timeoutSeconds: 120, reservedConcurrency: 1 },
    keyNotes: {},
    needs: { vpc: true, database: true, efs: false, awsServices: ["secretsmanager"], internet: false },
    asyncRetryAttempts: 1,
    s3: {
      objects: [
        {
          actions: ["s3:GetObject"],
          keys: [MANIFESTS, MARKERS],
          why: "GETs the manifests and markers listed",
        },
        { actions: ["s3:PutObject"], keys: [under(`${reports}daily/`)], why: "the day's report" },
      ],
      list: {
        scope: "bucket",
        why: "lists the day's folders; a document deleted in between (by orphan-cleanup) must read as gone (404), not fail the run (403)",
      },
    },
    parameters: [],
    triggers: [
      {
        kind: "schedule",
        defaultExpression: "cron(5 0 * * ? *)",
        keyDescription: "EventBridge Scheduler expression in timeZone (computes the day before each firing).",
      },
    ],
    sampleEvents: ["daily-stats-scheduled.json", "daily-stats-date.json"],
  },
  alerts: {
    kind: "function",
    package: { dir: "packages/functions/alerts", name: "@lambda-lab/alerts" },
    description: "Posts alarms, slow queries and failed invocations to Slack",
    defaults: { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 8 },
    keyNotes: {
      reservedConcurrency:
        "alerts reserved concurrency; must cover the SQS event sources' maximum concurrency (2 per on-failure queue) plus the SNS and log deliveries.",
    },
    needs: { ...NOWHERE, awsServices: ["ssm", "kms"], internet: true },
    asyncRetryAttempts: 1,
    s3: NO_S3,
    parameters: ["slack-webhook-url"],
    // Its own on-failure queue is not among the queues it consumes: a broken alerts function would loop.
    triggers: [
      { kind: "sns", topic: "alarms" },
      { kind: "logs", logGroup: "database-slow-queries" },
      { kind: "sqs", queues: "on-failure" },
    ],
    sampleEvents: ["alerts-alarm.json", "alerts-slow-query.json", "alerts-on-failure.json"],
  },
  migrate: {
    kind: "deploy-step",
    package: { dir: "packages/migrate-fn", name: "@lambda-lab/migrate-fn" },
    description: "Applies the database migrations from inside the VPC (invoked on deploy)",
    defaults: { memoryMb: 256, timeoutSeconds: 300 },
    needs: { vpc: true, database: true, efs: false, awsServices: ["secretsmanager"], internet: false },
    asyncRetryAttempts: 0,
    s3: NO_S3,
    parameters: [],
    triggers: [{ kind: "deploy" }],
    sampleEvents: [],
  },
} as const satisfies Record<string, FunctionSpec>;

/** The SecureStrings the program stores (`/lambda-lab/<stack>/<id>`); each is read by the function naming it. */
export const PARAMETERS = {
  "slack-webhook-url": {
    description: "Slack incoming webhook the alerts function posts to",
    secretKey: "slackWebhookUrl",
    when: "always",
  },
  "upload-auth-token": {
    description: "HMAC secret of the upload API's bearer tokens (read by the upload function at init)",
    secretKey: "uploadAuthToken",
    when: "upload-token-mode",
  },
} as const satisfies Record<ParameterId, ParameterSpec>;
