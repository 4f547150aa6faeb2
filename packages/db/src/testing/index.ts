export {
  freePort,
  type LocalPostgres,
  type LocalPostgresOptions,
  RDS_LOG_LINE_PREFIX,
  startLocalPostgres,
} from "./embedded-postgres.js";
