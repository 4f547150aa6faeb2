import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  DatabaseEnv,
  MIGRATIONS_DIR,
  migrate,
  resolveConnectionConfig,
  secretsManagerReader,
} from "@lambda-lab/db";
import { parseEnv } from "@lambda-lab/shared";
import { makeHandler } from "./handler.js";

// The artifact builder copies @lambda-lab/db/migrations next to index.mjs; from source, use the package's own.
const bundled = fileURLToPath(new URL("./migrations", import.meta.url));

export const handler = makeHandler({
  // Every bad variable named, in English (zod/mini carries no locale of its own), never its value.
  env: parseEnv("migrate", DatabaseEnv, process.env),
  migrationsDir: existsSync(bundled) ? bundled : MIGRATIONS_DIR,
  readSecret: secretsManagerReader(),
  resolveConnection: resolveConnectionConfig,
  migrate,
  log: (message) => console.log(JSON.stringify({ level: "INFO", message })),
});
