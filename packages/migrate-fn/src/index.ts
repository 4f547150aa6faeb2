import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DatabaseEnv, MIGRATIONS_DIR, migrate, resolveConnectionConfig } from "@lambda-lab/db";
import { AwsRuntimeEnv, awsCredentialsOf, createSecretReader, parseEnv } from "@lambda-lab/shared";
import * as z from "zod/mini";
import { makeHandler } from "./handler.js";

// The artifact builder copies @lambda-lab/db/migrations next to index.mjs; from source, use the package's own.
const bundled = fileURLToPath(new URL("./migrations", import.meta.url));

// Every bad variable named, in English (zod/mini carries no locale of its own), never its value.
const env = parseEnv("migrate", z.extend(DatabaseEnv, AwsRuntimeEnv), process.env);

export const handler = makeHandler({
  env,
  migrationsDir: existsSync(bundled) ? bundled : MIGRATIONS_DIR,
  // The one Secrets Manager reader the batch functions use too (aws4fetch, no SDK client).
  readSecret: createSecretReader({ region: env.AWS_REGION, credentials: awsCredentialsOf(env) }),
  resolveConnection: resolveConnectionConfig,
  migrate,
  log: (message) => console.log(JSON.stringify({ level: "INFO", message })),
});
