import { resolveConnectionConfig } from "@lambda-lab/db";
import { createLogger, createS3Client, createS3ObjectStore } from "@lambda-lab/shared";
import { loadEnv } from "./env.js";
import { makeHandler } from "./handler.js";
import { createPgStatsDatabase, once } from "./pg-stats-database.js";

// Composition root. Nothing here touches the network: the database secret is read on the first connect.
const env = loadEnv();
const store = createS3ObjectStore(createS3Client({ endpoint: env.S3_ENDPOINT }), env.BUCKET_NAME);
const database = createPgStatsDatabase({ connectionConfig: once(() => resolveConnectionConfig(env)) });

export const handler = makeHandler(
  { store, database, logger: createLogger("daily-stats"), now: () => new Date() },
  env,
);
