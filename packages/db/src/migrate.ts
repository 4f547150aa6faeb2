import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";
import type { ClientConfig } from "pg";

/**
 * The migrations folder. Beside this package's sources in the repo; inside a bundled artifact the builder
 * copies it next to index.mjs, and the caller passes that path.
 */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations", import.meta.url));

export interface MigrateOptions {
  connection: ClientConfig;
  dir?: string;
  direction?: "up" | "down";
  /** How many migrations to run; all pending ones when omitted. */
  count?: number;
  log?: (message: string) => void;
}

/**
 * Applies the schema migrations with node-pg-migrate: the same code path for the local lab, the tests and
 * the cloud (where the Pulumi program runs it from inside the VPC). Takes an advisory lock, so two
 * concurrent runs cannot both migrate. Returns the names of the migrations it ran.
 */
export const migrate = async (options: MigrateOptions): Promise<string[]> => {
  // Our own client, ended (and awaited) by us: node-pg-migrate ends the client it opens without waiting
  // (`client.end()` unawaited in its close()), so a server that stops right after a run — a test's, the
  // lab's — could still reach that connection and crash the process with an unhandled FATAL 57P01.
  // Loaded here, not at import: the batch functions import this package and load pg on their first query.
  const { default: pg } = await import("pg");
  const client = new pg.Client(options.connection);
  client.on("error", (error) => options.log?.(`migration connection: ${error.message}`));
  await client.connect();
  try {
    const ran = await runner({
      dbClient: client,
      dir: options.dir ?? MIGRATIONS_DIR,
      direction: options.direction ?? "up",
      count: options.count ?? Number.POSITIVE_INFINITY,
      migrationsTable: "pgmigrations",
      singleTransaction: true,
      checkOrder: true,
      log: options.log ?? (() => {}),
    });
    return ran.map((m) => m.name);
  } finally {
    await client.end();
  }
};
