import { awsCredentialsOf, createLogger, createS3RestObjectStore } from "@lambda-lab/shared";
import { transformConfigOf } from "./config.js";
import { loadEnv, sharpSettingsOf } from "./env.js";
import { makeHandler } from "./handler.js";
import { applySharpSettings } from "./sharp-settings.js";

// Composition root: validate the environment once per cold start, build clients (no network I/O here).
// sharp loads here, at init, on purpose: every image needs it, so loading it later would only move its cost
// into the first invocation, and loading it now makes a broken binary fail init (and the build's verifier).
const env = loadEnv();
applySharpSettings(sharpSettingsOf(env));

export const handler = makeHandler(
  {
    // S3's REST API signed with aws4fetch, not the SDK's S3Client: the bulk of this function's cold start.
    store: createS3RestObjectStore({
      bucket: env.BUCKET_NAME,
      endpoint: env.S3_ENDPOINT,
      region: env.AWS_REGION,
      credentials: awsCredentialsOf(env),
    }),
    bucket: env.BUCKET_NAME,
    log: createLogger("transform"),
  },
  transformConfigOf(env),
);
