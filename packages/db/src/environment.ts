/**
 * The variables `DatabaseEnv` reads, built from where the database is: the local lab's full URL, or the
 * cloud's RDS endpoint plus the ARN of the RDS-managed secret (never a password). Import-free, and generic
 * over the value type, so the Pulumi program passes `pulumi.Input<string>`s and the lab plain strings.
 */
export type DatabaseSettings<V = string> =
  | { url: V }
  | {
      host: V;
      port: V;
      name: V;
      secretArn: V;
      /** A CA bundle Node must trust for TLS (Lambda ships RDS's); set as NODE_EXTRA_CA_CERTS. */
      caBundlePath?: string;
    };

export const toDatabaseEnvironment = <V = string>(db: DatabaseSettings<V>): Record<string, V | string> =>
  "url" in db
    ? { DATABASE_URL: db.url }
    : {
        DATABASE_HOST: db.host,
        DATABASE_PORT: db.port,
        DATABASE_NAME: db.name,
        DATABASE_SECRET_ARN: db.secretArn,
        // RDS enforces TLS (rds.force_ssl is on by default for PostgreSQL 15+).
        DATABASE_SSL: "require",
        ...(db.caBundlePath !== undefined ? { NODE_EXTRA_CA_CERTS: db.caBundlePath } : {}),
      };
