export { BUILD_COMMAND } from "./artifacts.js";
export { functionEnvironment, loadStack } from "./config.js";
export {
  type BatchRun,
  type BurstResult,
  DEFAULT_PORTS,
  type ExtraFunction,
  type Lab,
  type LabEvent,
  type LabOptions,
  type LabPorts,
  type LabUrls,
  SAMPLE_EVENTS,
  samplePayload,
  startLab,
} from "./lab.js";
export type { InvocationRecord } from "./runtime/function-pool.js";
export { TooManyRequestsError } from "./runtime/function-pool.js";
export { type LambdaRuntime, startLambdaRuntime } from "./runtime/lambda-runtime.js";
