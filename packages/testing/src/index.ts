export * from "./api-gateway-v2.js";
export { EXAMPLE_ACCOUNT_ID, EXAMPLE_REGION } from "./aws.js";
export * from "./cloudwatch-alarm.js";
export * from "./cloudwatch-logs.js";
export * from "./destination-records.js";
export * from "./s3.js";
export * from "./scheduler.js";
export * from "./sns.js";
export * from "./sqs.js";
