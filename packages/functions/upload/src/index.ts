import { createLogger, createParameterReader } from "@lambda-lab/shared";
import { configOf } from "./config.js";
import { loadEnv } from "./env.js";
import { makeHandler } from "./handler.js";
import { createS3RestReader } from "./s3-rest-reader.js";
import { withTokenSecret } from "./token-secret.js";

// Composition root: read the environment once per cold start, build the clients, export the handler.
const raw = loadEnv();
const credentials = {
  accessKeyId: raw.AWS_ACCESS_KEY_ID,
  secretAccessKey: raw.AWS_SECRET_ACCESS_KEY,
  sessionToken: raw.AWS_SESSION_TOKEN,
};
// The one network call at init: with AUTH_TOKEN_PARAMETER the token secret lives in SSM, not in the
// function's environment. Every request needs it, so it is read once here (top-level await: Lambda runs it
// in the init phase); a failure is an init error naming the parameter, and the next request retries init.
const env = await withTokenSecret(
  raw,
  createParameterReader({ region: raw.AWS_REGION, credentials, endpoint: raw.AWS_ENDPOINT_URL_SSM }),
);
const config = configOf(env);
const reader = createS3RestReader({
  bucketUrl: config.form.bucketUrl,
  region: config.form.region,
  credentials: config.form.credentials,
});

export const handler = makeHandler({ reader, logger: createLogger("upload") }, config);
