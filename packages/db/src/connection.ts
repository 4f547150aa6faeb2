import type { ClientConfig } from "pg";
import * as z from "zod/mini";

/**
 * How a function finds the database. Locally a full DATABASE_URL; in the cloud the RDS endpoint plus the ARN
 * of the RDS-managed master secret, so no password is ever in the function's configuration or in Pulumi state.
 */
export const DatabaseEnv = z
  .object({
    DATABASE_URL: z.optional(z.url()),
    DATABASE_HOST: z.optional(z.string().check(z.minLength(1))),
    DATABASE_PORT: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(65535)), 5432),
    DATABASE_NAME: z._default(z.string().check(z.minLength(1)), "lab"),
    DATABASE_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
    /** With DATABASE_HOST: RDS enforces TLS when rds.force_ssl is on (the default for PostgreSQL 15+). */
    DATABASE_SSL: z._default(z.enum(["require", "disable"]), "require"),
  })
  .check(
    z.refine(
      (env) => env.DATABASE_URL !== undefined || Boolean(env.DATABASE_HOST && env.DATABASE_SECRET_ARN),
      {
        message: "set DATABASE_URL, or DATABASE_HOST together with DATABASE_SECRET_ARN",
        path: ["DATABASE_URL"],
      },
    ),
  );
export type DatabaseEnv = z.infer<typeof DatabaseEnv>;

const RdsSecret = z.object({
  username: z.string().check(z.minLength(1)),
  password: z.string().check(z.minLength(1)),
});

export type SecretReader = (secretArn: string) => Promise<string>;

/** Builds a pg connection config; called once per cold start, lazily on first use (never at import). */
export const resolveConnectionConfig = async (
  env: DatabaseEnv,
  // No default: the functions pass shared's light reader, so the Secrets Manager SDK stays out of their bundles.
  readSecret: SecretReader,
): Promise<ClientConfig> => {
  // A URL carries its own sslmode. For RDS, certificates are verified against the RDS CA bundle that the
  // Pulumi program points NODE_EXTRA_CA_CERTS at (/var/runtime/ca-cert.pem on Lambda's Node.js runtimes).
  if (env.DATABASE_URL) return { connectionString: env.DATABASE_URL };
  const parsed = RdsSecret.safeParse(JSON.parse(await readSecret(env.DATABASE_SECRET_ARN ?? "")));
  if (!parsed.success) throw new Error("the database secret is not an RDS secret with username and password");
  return {
    host: env.DATABASE_HOST,
    port: env.DATABASE_PORT,
    database: env.DATABASE_NAME,
    user: parsed.data.username,
    password: parsed.data.password,
    ssl: env.DATABASE_SSL === "require",
  };
};
