import { resolveConnectionConfig } from "@lambda-lab/db";
import { createLogger, createS3Client, createS3ObjectStore } from "@lambda-lab/shared";
import { loadEnv } from "./env.js";
import { makeHandler } from "./handler.js";
import { createPgCleanupDb } from "./pg-cleanup-db.js";
import { createStateDir } from "./state-dir.js";

// Composition root: read the environment once per cold start, build clients; no network I/O at import
// (the database connection and its secret are resolved on first use).
const env = loadEnv();
const logger = createLogger("orphan-cleanup");
const store = createS3ObjectStore(
  createS3Client({ endpoint: env.S3_ENDPOINT, region: env.AWS_REGION }),
  env.BUCKET_NAME,
);
const db = createPgCleanupDb(() => resolveConnectionConfig(env), {
  onIdleError: (error) => logger.warn("idle database connection dropped", { error: error.message }),
});

export const handler = makeHandler(
  { store, refs: db, ledger: db, state: createStateDir(env.STATE_DIR), log: logger },
  env,
);
