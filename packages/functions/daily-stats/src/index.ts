import { resolveConnectionConfig } from "@lambda-lab/db";
import {
  awsCredentialsOf,
  createLogger,
  createS3RestObjectStore,
  createSecretReader,
} from "@lambda-lab/shared";
import type { Context } from "aws-lambda";
import { loadEnv } from "./env.js";
import { createPgStatsDatabase, once } from "./pg-stats-database.js";

// Composition root. Nothing here touches the network: the database secret is read on the first connect.
const env = loadEnv();
const aws = { region: env.AWS_REGION, credentials: awsCredentialsOf(env) };
// S3 and Secrets Manager over their APIs, signed with aws4fetch: the SDK's clients were most of the cold start.
const store = createS3RestObjectStore({ ...aws, bucket: env.BUCKET_NAME, endpoint: env.S3_ENDPOINT });
const readSecret = createSecretReader(aws);
const database = createPgStatsDatabase({
  connectionConfig: once(() => resolveConnectionConfig(env, readSecret)),
});
const logger = createLogger("daily-stats");

// The handler's module graph (event schemas, calendar, listing, the core) is evaluated on the first
// invocation, which needs it, rather than in Init, which does not: a move of a few ms, shown as such by the
// cold-start bench's "first invoke" column. Init still validates the whole environment.
const handle = once(() =>
  import("./handler.js").then(({ makeHandler }) =>
    makeHandler({ store, database, logger, now: () => new Date() }, env),
  ),
);

export const handler = async (event: unknown, context?: Context) => (await handle())(event, context);
