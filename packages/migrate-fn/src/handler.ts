import type { DatabaseEnv, MigrateOptions, SecretReader } from "@lambda-lab/db";

type ClientConfig = MigrateOptions["connection"];

export interface MigrateDeps {
  env: DatabaseEnv;
  migrationsDir: string;
  readSecret: SecretReader;
  resolveConnection: (env: DatabaseEnv, readSecret: SecretReader) => Promise<ClientConfig>;
  migrate: (options: MigrateOptions) => Promise<string[]>;
  log: (message: string) => void;
}

export interface MigrateResult {
  applied: string[];
}

/**
 * Applies every pending migration and returns their names. Any failure is thrown, so the invocation
 * reports a FunctionError and `pulumi up` (aws.lambda.Invocation) stops instead of deploying code
 * against an old schema. node-pg-migrate's advisory lock keeps two deploys from migrating at once.
 */
export const makeHandler =
  (deps: MigrateDeps) =>
  async (_event: unknown): Promise<MigrateResult> => {
    const connection = await deps.resolveConnection(deps.env, deps.readSecret);
    const applied = await deps.migrate({ connection, dir: deps.migrationsDir, log: deps.log });
    deps.log(applied.length > 0 ? `applied ${applied.join(", ")}` : "schema up to date");
    return { applied };
  };
