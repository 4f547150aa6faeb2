import { resolveConnectionConfig } from "@lambda-lab/db";
import {
  awsCredentialsOf,
  createLogger,
  createS3RestObjectStore,
  createSecretReader,
} from "@lambda-lab/shared";
import { loadEnv } from "./env.js";
import type { InvocationContext, makeHandler } from "./handler.js";
import { createPgCleanupDb } from "./pg-cleanup-db.js";

// Composition root: read the environment once per cold start, build clients; no network I/O at import
// (the database connection and its secret are resolved on first use).
const env = loadEnv();
const logger = createLogger("orphan-cleanup");
const aws = { region: env.AWS_REGION, credentials: awsCredentialsOf(env) };
// S3 and Secrets Manager over their APIs, signed with aws4fetch: the SDK's clients were most of the cold start.
const store = createS3RestObjectStore({ ...aws, bucket: env.BUCKET_NAME, endpoint: env.S3_ENDPOINT });
const readSecret = createSecretReader(aws);
const db = createPgCleanupDb(() => resolveConnectionConfig(env, readSecret), {
  onIdleError: (error) => logger.warn("idle database connection dropped", { error: error.message }),
});

// The handler's module graph (event and checkpoint schemas, the merge walk, the EFS state) is evaluated on
// the first invocation, which needs it, rather than in Init, which does not: a move of a few ms, shown as
// such by the cold-start bench's "first invoke" column. Init still validates the whole environment.
let loaded: Promise<ReturnType<typeof makeHandler>> | undefined;
const handle = () => {
  loaded ??= Promise.all([import("./handler.js"), import("./state-dir.js")]).then(
    ([{ makeHandler }, { createStateDir }]) =>
      makeHandler({ store, refs: db, ledger: db, state: createStateDir(env.STATE_DIR), log: logger }, env),
  );
  return loaded;
};

export const handler = async (event: unknown, context?: InvocationContext) =>
  (await handle())(event, context);
