export * from "./derive.js";
export { FUNCTIONS, PARAMETERS, under } from "./functions.js";
export { type CatalogLesson, LESSONS } from "./lessons.js";
export * from "./naming.js";
export { describeTrigger, renderFunctionTable, TABLE_END, TABLE_START, withFunctionTable } from "./readme.js";
export {
  LAMBDA_LIMITS,
  limitProblems,
  recursiveTriggers,
  s3TriggerOverlaps,
  writePatternsOf,
} from "./rules.js";
export * from "./spec.js";
