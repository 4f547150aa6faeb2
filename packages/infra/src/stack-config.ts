/**
 * The stack configuration, read by the Pulumi program (config.ts) and by the local lab (which reads
 * stacks/Pulumi.<stack>.yaml directly), imported as `@lambda-lab/infra/stack-config`. Pure: no Pulumi
 * import, so the lab does not load the SDK. One module per job under stack-config/:
 *
 * - functions.ts   the function facts, derived from @lambda-lab/catalog (ids, needs, retries)
 * - schema.ts      the keys and their defaults; `StackConfig` is the schema's output type
 * - preflight.ts   cross-key rules and the stack name's limits
 * - parse.ts       schema + preflight → StackConfig; the deploy-time secrets check
 * - stack-file.ts  stacks/Pulumi.<stack>.yaml: the list of stacks and the reader
 * - pulumi-project.ts, pulumi-yaml.ts, descriptions.ts  Pulumi.yaml's `config:` block, written from the schema
 */
export { bucketNameOf, functionNameOf, parameterNameOf } from "@lambda-lab/catalog";
export { StackConfigError } from "./stack-config/errors.js";
export * from "./stack-config/functions.js";
export { MIN_AUTH_TOKEN_LENGTH, parseStackConfig, requireDeploySecrets } from "./stack-config/parse.js";
/** Decodes the strings Pulumi hands the program by each key's declared type (see stack-config/pulumi-project.ts). */
export { decodeConfigValues as decodePulumiConfigValues } from "./stack-config/pulumi-project.js";
export {
  type FunctionSettings,
  LAMBDA_NODE_RUNTIMES,
  type LambdaNodeRuntime,
  LOG_RETENTION_DAYS,
  MIN_UNRESERVED_CONCURRENCY,
  SCHEDULED_IDS,
  type SecretConfigValue,
  SecureValue,
  type StackConfig,
  type StackConfigKey,
  StackConfigKeys,
  StackConfigSchema,
  scheduleKeyOf,
} from "./stack-config/schema.js";
export { listStacks, readStackConfigFile, stackConfigPath } from "./stack-config/stack-file.js";
