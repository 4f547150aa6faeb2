export {
  type ArtifactResult,
  artifactPaths,
  type BuildOptions,
  type BuildRuntimes,
  buildFunction,
  deployedRuntimes,
} from "./build.js";
export { bundleFunction, lambdaBuildOptions } from "./bundle.js";
export { writeDeterministicZip } from "./deterministic-zip.js";
export {
  BundleError,
  createIncrementalBuild,
  type IncrementalBuild,
  type RebuildResult,
} from "./incremental.js";
export {
  ARCHITECTURES,
  type Arch,
  isArch,
  LambdaPackageConfig,
  parseHandlerSetting,
  readFunctionPackage,
} from "./lambda-config.js";
export { type NodeBinary, NodeRuntimeMissingError, nodeBinary } from "./node-binary.js";
export {
  DEFAULT_NODE_RUNTIME,
  isNodeRuntime,
  NODE_RUNTIMES,
  type NodeRuntime,
  oldestRuntime,
  parseNodeRuntime,
} from "./runtimes.js";
export { findPulumiProject, type StackRuntimes, stackRuntimes } from "./stack-runtimes.js";
export {
  ArtifactError,
  LAMBDA_LIMITS,
  type PreparedProbe,
  type ProbeResult,
  type Problem,
  prepareProbe,
  probeFolder,
  type VerifyReport,
  verifyArtifact,
} from "./verify.js";
