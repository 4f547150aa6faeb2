import { existsSync } from "node:fs";
import pg from "pg";
import type { LabStack } from "../config.js";
import { type LabIam, startLabIam } from "../iam/lab-iam.js";
import type { IamMode } from "../iam/preflight.js";
import type { DataLayout } from "../paths.js";
import { type LabPostgres, startLabPostgres } from "../services/postgres.js";
import { type LabS3, startLabS3 } from "../services/s3.js";
import type { CleanupStack } from "./cleanup-stack.js";

export interface LabServices {
  s3: LabS3;
  postgres: LabPostgres;
  /** The lab's own connections (web app, uploads list, demo data), not the functions'. */
  pool: pg.Pool;
  iam: LabIam;
}

/**
 * The real local services: S3 (s3rver) and PostgreSQL start side by side, then the IAM preflight's proxy in
 * front of S3. Each registers its stop on `cleanups` as soon as it runs, so a failed neighbour leaves nothing.
 */
export const startServices = async (options: {
  stack: LabStack;
  layout: DataLayout;
  ports: { s3: number; postgres: number };
  corsOrigins: readonly string[];
  iamMode: IamMode;
  cleanups: CleanupStack;
  log: (line: string) => void;
  emit: (type: string, data: unknown) => void;
}): Promise<LabServices> => {
  const { stack, layout, cleanups, log } = options;
  log("starting S3 (s3rver) and PostgreSQL…");
  const [s3Started, postgresStarted] = await Promise.allSettled([
    startLabS3({
      directory: layout.s3,
      bucket: stack.bucket,
      port: options.ports.s3,
      corsOrigins: options.corsOrigins,
    }),
    startLabPostgres({
      directory: layout.postgres,
      port: options.ports.postgres,
      database: stack.config.database.name,
      slowQueryMs: stack.config.database.slowQueryMs,
    }),
  ]);
  if (s3Started.status === "fulfilled") cleanups.push("s3", () => s3Started.value.stop());
  if (postgresStarted.status === "fulfilled") cleanups.push("postgres", () => postgresStarted.value.stop());
  if (s3Started.status === "rejected") throw new Error(`S3 (s3rver) did not start: ${s3Started.reason}`);
  if (postgresStarted.status === "rejected") {
    const reason = (postgresStarted.reason as Error | undefined)?.message ?? String(postgresStarted.reason);
    const stale = existsSync(`${layout.postgres}/postmaster.pid`)
      ? ` (${layout.postgres}/postmaster.pid exists: is another lab or PostgreSQL still running on this data?)`
      : "";
    throw new Error(`PostgreSQL did not start: ${reason}${stale}`);
  }
  const s3 = s3Started.value;
  const postgres = postgresStarted.value;
  if (s3.movedFrom !== undefined) log(`port ${s3.movedFrom} (S3) is busy: using ${s3.port} instead`);
  if (postgres.movedFrom !== undefined)
    log(`port ${postgres.movedFrom} (PostgreSQL) is busy: using ${postgres.port} instead`);
  if (postgres.migrated.length > 0) log(`migrated the database: ${postgres.migrated.join(", ")}`);

  const iam = await startLabIam({
    mode: options.iamMode,
    stack: stack.config.stack,
    bucket: stack.bucket,
    s3Endpoint: s3.endpoint,
    log,
    emit: options.emit,
  });
  cleanups.push("iam proxy", () => iam.stop());
  const pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
  // An idle connection dies when PostgreSQL stops first (Ctrl-C reaches it too): not worth a crash.
  pool.on("error", (error) => log(`database connection closed: ${error.message}`));
  cleanups.push("database pool", () => pool.end());
  return { s3, postgres, pool, iam };
};
