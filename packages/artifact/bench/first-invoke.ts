/**
 * What the cold-start bench's "first invoke" column sends each function: one of the lab's sample events
 * (packages/lab/events, real formats) and an environment that points every AWS service at a local stand-in
 * answering AccessDenied and the database at a closed port. The invocation runs its real code up to its
 * first answer, fails there at once, and so pays for every module a lazy import would load on the way
 * (client set-up, request signing, the HTTP stack). What it cannot show is work after that: transform's
 * sharp pipeline runs only on an image, whose decoding no cold-start change here touches.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const eventsDir = new URL("../../lab/events/", import.meta.url);
const event = (name: string): unknown => JSON.parse(readFileSync(new URL(`${name}.json`, eventsDir), "utf8"));

/** Credentials as Lambda gives them (so no SDK waits on the EC2 metadata endpoint), every endpoint local. */
const offlineAws = (aws: string) => ({
  AWS_ACCESS_KEY_ID: "AKIDBENCHEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "bench-only-secret-access-key",
  AWS_ENDPOINT_URL: aws,
  AWS_ENDPOINT_URL_SSM: aws,
  POWERTOOLS_LOG_LEVEL: "SILENT",
});

export interface FirstInvokeSetup {
  /** The AWS stand-in: every request answered 403 AccessDenied. */
  aws: string;
  /** `http://127.0.0.1:<port>` with nothing listening. */
  closed: string;
  workDir: string;
}

type FirstInvoke = (setup: FirstInvokeSetup) => { event: unknown; env: Record<string, string> };

const databaseAt = (closed: string) => `postgres://lab:lab@${new URL(closed).host}/lab`;

export const FIRST_INVOKE: Record<string, FirstInvoke> = {
  alerts: ({ aws }) => ({
    event: event("alerts-alarm"),
    env: { ...offlineAws(aws), SLACK_MAX_ATTEMPTS: "1" },
  }),
  "orphan-cleanup": ({ aws, closed, workDir }) => ({
    event: event("orphan-cleanup-dry-run"),
    env: {
      ...offlineAws(aws),
      S3_ENDPOINT: aws,
      DATABASE_URL: databaseAt(closed),
      STATE_DIR: join(workDir, "orphan-cleanup-state"),
    },
  }),
  "daily-stats": ({ aws, closed }) => ({
    event: event("daily-stats-date"),
    env: { ...offlineAws(aws), S3_ENDPOINT: aws, DATABASE_URL: databaseAt(closed) },
  }),
  // The sample event's bucket, so the record is transformed rather than skipped as another bucket's.
  transform: ({ aws }) => ({
    event: event("transform-s3-put"),
    env: { ...offlineAws(aws), S3_ENDPOINT: aws, BUCKET_NAME: "lambda-lab-dev-images" },
  }),
  upload: ({ aws }) => ({
    event: event("upload-status"),
    env: { ...offlineAws(aws), S3_ENDPOINT: aws, AUTH_MODE: "none" },
  }),
};
