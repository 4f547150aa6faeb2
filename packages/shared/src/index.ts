export { AwsRuntimeEnv, awsCredentialsOf } from "./aws-env.js";
export { AwsConfigError, type AwsCredentials, STANDARD_RETRY } from "./aws-fetch.js";
export { createParameterReader, createSecretReader, SecretReadError } from "./aws-secrets.js";
export * from "./env.js";
export * from "./env-fields.js";
export * from "./keys.js";
export { createLogger, type Logger } from "./logger.js";
export * from "./manifest.js";
export * from "./object-store.js";
// The AWS SDK adapter: the reference the REST store is tested against, and a store over any S3Client.
export {
  createS3RestObjectStore,
  S3RequestError,
  type S3RestObjectStoreOptions,
} from "./s3-rest-object-store.js";
// The one XML entity decoder: the REST object store reads S3 with it, the lab's IAM proxy its requests.
export { decodeXml } from "./s3-xml.js";
export * from "./scheduler.js";
export { IN_ENGLISH } from "./zod-english.js";
