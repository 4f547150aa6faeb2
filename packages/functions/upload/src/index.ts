import { createLogger } from "@lambda-lab/shared";
import { configOf } from "./config.js";
import { loadEnv } from "./env.js";
import { makeHandler } from "./handler.js";
import { createS3RestReader } from "./s3-rest-reader.js";

// Composition root: read the environment once per cold start, build the clients, export the handler.
const env = loadEnv();
const config = configOf(env);
const reader = createS3RestReader({
  bucketUrl: config.form.bucketUrl,
  region: config.form.region,
  credentials: config.form.credentials,
});

export const handler = makeHandler({ reader, logger: createLogger("upload") }, config);
