import { createLogger, createS3Client, createS3ObjectStore } from "@lambda-lab/shared";
import { transformConfigOf } from "./config.js";
import { loadEnv, sharpSettingsOf } from "./env.js";
import { makeHandler } from "./handler.js";
import { applySharpSettings } from "./sharp-settings.js";

// Composition root: validate the environment once per cold start, build clients (no network I/O here).
const env = loadEnv();
applySharpSettings(sharpSettingsOf(env));
const client = createS3Client({ endpoint: env.S3_ENDPOINT, region: env.AWS_REGION });

export const handler = makeHandler(
  {
    store: createS3ObjectStore(client, env.BUCKET_NAME),
    bucket: env.BUCKET_NAME,
    log: createLogger("transform"),
  },
  transformConfigOf(env),
);
