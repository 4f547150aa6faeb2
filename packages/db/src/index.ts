export {
  DatabaseEnv,
  resolveConnectionConfig,
  type SecretReader,
} from "./connection.js";
export { MIGRATIONS_DIR, type MigrateOptions, migrate } from "./migrate.js";
