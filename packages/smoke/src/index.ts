/** The smoke test for programmatic use (tests, other tools); `bin/smoke.mjs` is the command. */
export { judgeAlerts, readLine } from "./alerts-check.js";
export { awsTarget, regionOfArn } from "./aws-target.js";
export {
  diagnose,
  diagnoseFunctionError,
  diagnoseS3Post,
  diagnoseUploadApi,
  parseDenial,
  SmokeFailure,
} from "./causes.js";
export { labTarget } from "./lab-target.js";
export { OutputsError, parseOutputs, readOutputsFile, readPulumiOutputs, StackOutputs } from "./outputs.js";
export type { SmokePorts } from "./ports.js";
export { failed, type StepResult } from "./run.js";
export { newRunId, runSmoke, type SmokeOptions, type SmokeTarget, STEPS } from "./smoke.js";
export { renderMarkdown, renderTable } from "./table.js";
