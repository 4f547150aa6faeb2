import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  DatabaseEnv,
  MIGRATIONS_DIR,
  migrate,
  resolveConnectionConfig,
  secretsManagerReader,
} from "@lambda-lab/db";
import { makeHandler } from "./handler.js";

// The artifact builder copies @lambda-lab/db/migrations next to index.mjs; from source, use the package's own.
const bundled = fileURLToPath(new URL("./migrations", import.meta.url));

export const handler = makeHandler({
  env: DatabaseEnv.parse(process.env),
  migrationsDir: existsSync(bundled) ? bundled : MIGRATIONS_DIR,
  readSecret: secretsManagerReader(),
  resolveConnection: resolveConnectionConfig,
  migrate,
  log: (message) => console.log(JSON.stringify({ level: "INFO", message })),
});
