/**
 * The lessons Lambda Lab exists to teach, in one place: the README's function table, the lab's page and the
 * docs read them from here. Each names the functions whose behaviour shows it.
 */
import type { FUNCTIONS } from "./functions.js";
import type { Lesson } from "./spec.js";

type Id = keyof typeof FUNCTIONS;
const STACK_FUNCTIONS = ["upload", "transform", "orphan-cleanup", "daily-stats", "alerts"] as const;

export const LESSONS = [
  {
    id: "lifecycle",
    title: "The serverless lifecycle",
    explanation:
      "An event arrives, Lambda finds or creates an environment, the handler returns, and the environment is frozen, reused or recycled.",
    functions: STACK_FUNCTIONS,
  },
  {
    id: "runtimes",
    title: "Runtimes and architectures",
    explanation:
      "Each function runs on a managed Node.js runtime and one CPU architecture; native modules (sharp) must be built for that CPU and libc.",
    functions: [...STACK_FUNCTIONS, "migrate"],
  },
  {
    id: "cold-starts",
    title: "Cold starts and warming cost",
    explanation:
      "A new environment runs the module's init before the first event; REPORT's Init Duration shows what importing and connecting cost.",
    functions: ["upload", "transform"],
  },
  {
    id: "statelessness-efs",
    title: "Statelessness and EFS",
    explanation:
      "Nothing in an environment survives it; orphan-cleanup keeps its checkpoint on an EFS access point so any environment can resume.",
    functions: ["orphan-cleanup"],
  },
  {
    id: "concurrency-429",
    title: "Concurrency limits and 429",
    explanation:
      "Reserved concurrency caps a function (the next request gets a 429 TooManyRequestsException) and AWS keeps 100 of the account's 1,000 unreserved.",
    functions: ["upload", "transform", "alerts"],
  },
  {
    id: "fifteen-minutes",
    title: "The 15-minute limit",
    explanation:
      "A batch that may outlast 900 seconds stops early, leaves a checkpoint and resumes at the next schedule; it fails closed when unsure.",
    functions: ["orphan-cleanup"],
  },
  {
    id: "presigned-uploads",
    title: "Presigned uploads instead of an upload server",
    explanation:
      "A synchronous payload is capped at 6 MB, so the API hands out presigned S3 POST forms and image bytes never pass through a function.",
    functions: ["upload"],
  },
  {
    id: "s3-events",
    title: "S3 events → transform",
    explanation:
      "S3 delivers at least once with URL-encoded keys; the input is untrusted, the work idempotent, and outputs never land under the trigger's prefix.",
    functions: ["transform"],
  },
  {
    id: "async-retries",
    title: "Async retries and on-failure destinations",
    explanation:
      "An asynchronous invocation that fails (an error or a timeout) is retried up to its MaximumRetryAttempts (at most 2): Lambda waits about 1 minute, then 2. Then its record goes to the function's on-failure queue and on to Slack; after a fix, redrive sends the original event again.",
    functions: ["transform", "orphan-cleanup", "daily-stats", "alerts"],
  },
  {
    id: "orphan-cleanup",
    title: "Orphan cleanup",
    explanation:
      "Uploads no database row refers to are deleted after a grace period; versioning keeps every delete restorable for 30 days.",
    functions: ["orphan-cleanup"],
  },
  {
    id: "daily-stats",
    title: "Daily statistics",
    explanation:
      "A schedule in the stack's time zone computes the day before each firing; a re-run of the same day gives the same rows.",
    functions: ["daily-stats"],
  },
  {
    id: "alarms-to-slack",
    title: "CloudWatch alarms → Slack",
    explanation:
      "Every alarm publishes to one SNS topic that invokes alerts, which posts one Slack card per state change and never drops one.",
    functions: ["alerts"],
  },
  {
    id: "slow-queries",
    title: "RDS slow queries → Slack",
    explanation:
      "PostgreSQL logs statements slower than the threshold; a CloudWatch Logs subscription streams them to alerts, grouped and normalised.",
    functions: ["alerts"],
  },
  {
    id: "handler-at-root",
    title: "The 502 from a zip whose handler is not at its root",
    explanation:
      "A zip of a folder puts index.mjs one level down: Runtime.ImportModuleError, and API Gateway answers 502; the artifact verifier refuses it.",
    functions: ["upload"],
  },
  {
    id: "subnets-security-groups",
    title: "Subnets versus security groups",
    explanation:
      "The database functions share private subnets with the database; security groups, not subnets, decide who reaches port 5432.",
    functions: ["orphan-cleanup", "daily-stats", "migrate"],
  },
] as const satisfies readonly Lesson<Id>[];

export type CatalogLesson = (typeof LESSONS)[number];
