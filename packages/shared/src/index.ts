export * from "./env.js";
export * from "./keys.js";
export { createLogger, type Logger } from "./logger.js";
export * from "./manifest.js";
export * from "./object-store.js";
export { createS3Client } from "./s3-client.js";
export { createS3ObjectStore } from "./s3-object-store.js";
export * from "./scheduler.js";
