export { type ArtifactResult, artifactPaths, buildFunction } from "./build.js";
export { bundleFunction, lambdaBuildOptions } from "./bundle.js";
export { writeDeterministicZip } from "./deterministic-zip.js";
export {
  ARCHITECTURES,
  type Arch,
  isArch,
  LambdaPackageConfig,
  parseHandlerSetting,
  readFunctionPackage,
} from "./lambda-config.js";
export { ArtifactError, LAMBDA_LIMITS, type Problem, type VerifyReport, verifyArtifact } from "./verify.js";
