import { LESSONS } from "@lambda-lab/catalog";

/** The page's panels a lesson can show on (the section ids of page/index.html). */
export type LessonPanel = "upload" | "invocations" | "retries" | "batch" | "alerts" | "architecture" | "iam";

/**
 * A button the page offers for the lesson; each is a lab API route (src/server/lesson-routes.ts,
 * network-route.ts, checkpoint-demo-route.ts).
 */
export type LessonTrigger =
  | "cold-start"
  | "payload-limit"
  | "handler-at-root"
  | "slow-query"
  | "network"
  | "checkpoint-demo";

export interface LessonGuide {
  panel: LessonPanel;
  /** One thing to do, in the imperative. */
  tryThis: string;
  /** What to look at once done. */
  lookFor: string;
  trigger?: LessonTrigger;
}

/**
 * What the page adds to each catalog lesson: where it shows, what to try, what to look for. The lesson's
 * title, explanation and functions stay in packages/catalog (one fact, one place); a unit test keeps the
 * two lists equal. Short on purpose: one line each, for a learner with the page open.
 */
export const LESSON_GUIDE: Record<(typeof LESSONS)[number]["id"], LessonGuide> = {
  lifecycle: {
    panel: "invocations",
    tryThis: "Invoke upload twice, then wait five minutes (or force a cold start).",
    lookFor: "The first row is cold, the next warm: same environment. Idle ones are recycled.",
  },
  runtimes: {
    panel: "invocations",
    tryThis: "Read the runtime on each function's chart card.",
    lookFor: "One managed Node.js runtime per function; sharp ships the binary for this CPU.",
  },
  "cold-starts": {
    panel: "invocations",
    tryThis: "Press “Force a cold start” for upload.",
    lookFor: "Init duration (importing, connecting) next to the handler's own duration.",
    trigger: "cold-start",
  },
  "statelessness-efs": {
    panel: "batch",
    tryThis: "Run orphan cleanup twice.",
    lookFor: "Each run's checkpoint and report live on the EFS stand-in (.lab/efs), not in memory.",
  },
  "concurrency-429": {
    panel: "invocations",
    tryThis: "Send a burst of 20 to upload (reserved concurrency 5).",
    lookFor: "Exactly the excess answered 429: red ticks on the chart, the count in the totals.",
  },
  "fifteen-minutes": {
    panel: "batch",
    tryThis: "Generate 8,000 objects, then run orphan cleanup over them with a 2 s timeout (a dry run).",
    lookFor:
      "Each run pauses before its deadline; its checkpoint on EFS resumes the next, to one long run's end.",
    trigger: "checkpoint-demo",
  },
  "presigned-uploads": {
    panel: "upload",
    tryThis: "Press “Send 7 MB through a function”, then upload a large image.",
    lookFor: "The invoke gets Lambda's 413; the upload posts straight to S3 and never hits the limit.",
    trigger: "payload-limit",
  },
  "s3-events": {
    panel: "upload",
    tryThis: "Upload an image, then a file that is not one.",
    lookFor: "transform runs from the S3 event (source s3, async); the bad file is quarantined.",
  },
  "async-retries": {
    panel: "retries",
    tryThis:
      "Press “Invoke with an error” (fast-forward the clock to skip Lambda's minutes), then fix it and redrive.",
    lookFor:
      "Attempts 1–3 a minute, then two, apart; the on-failure record; its Slack card; the redrive succeeding.",
  },
  "orphan-cleanup": {
    panel: "batch",
    tryThis: "Leave an upload unattached, make it older than the grace period, run a dry run.",
    lookFor: "“Would delete” counts it; a real run deletes it and keeps attached ones.",
  },
  "daily-stats": {
    panel: "batch",
    tryThis: "Press “Daily stats now”.",
    lookFor: "The day is the stack's time zone's today; a re-run gives the same figures.",
  },
  "alarms-to-slack": {
    panel: "alerts",
    tryThis: "Send a burst past upload's limit, then wait one alarm period.",
    lookFor: "An ALARM card: the datapoint's time, and why it came after the burst.",
  },
  "slow-queries": {
    panel: "alerts",
    tryThis: "Press “Run a slow query”.",
    lookFor: "PostgreSQL logs it, the log subscription delivers it to alerts, a Slack card names it.",
    trigger: "slow-query",
  },
  "handler-at-root": {
    panel: "upload",
    tryThis: "Press “Verify a zip with its handler in a folder”.",
    lookFor: "The verifier's refusal: where index.mjs is, why Lambda answers 502, how to zip it.",
    trigger: "handler-at-root",
  },
  "subnets-security-groups": {
    panel: "architecture",
    tryThis: "Press “Draw this stack's network”, then pick the other layout to compare.",
    lookFor:
      "The database opens to a security group, not a subnet: EFS and endpoints share its subnets, no arrow in.",
    trigger: "network",
  },
};

/** The catalog's lessons with the page's guide, in the catalog's order. */
export const lessonsWithGuide = () => LESSONS.map((lesson) => ({ ...lesson, ...LESSON_GUIDE[lesson.id] }));
