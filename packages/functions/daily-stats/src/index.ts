import { resolveConnectionConfig } from "@lambda-lab/db";
import {
  awsCredentialsOf,
  createLogger,
  createS3RestObjectStore,
  createSecretReader,
} from "@lambda-lab/shared";
import { loadEnv } from "./env.js";
import { makeHandler } from "./handler.js";
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

export const handler = makeHandler(
  { store, database, logger: createLogger("daily-stats"), now: () => new Date() },
  env,
);
