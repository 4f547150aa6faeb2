/**
 * The Pulumi program: validate the stack's config (failing before anything is planned), compose the
 * components, export the stack outputs. Everything else lives in program.ts and components/.
 */
import { loadConfig } from "./config.js";
import { createLab } from "./program.js";

const { config, secrets } = loadConfig();
const lab = createLab({ config, secrets, requireArtifacts: true });

export const bucketName = lab.bucketName;
export const uploadApiUrl = lab.uploadApiUrl;
export const functionNames = lab.functionNames;
export const databaseEndpoint = lab.databaseEndpoint;
export const databaseSecretArn = lab.databaseSecretArn;
export const alertsTopicArn = lab.alertsTopicArn;
export const vpcId = lab.vpcId;
export const fileSystemId = lab.fileSystemId;
export const webAppInstanceId = lab.webAppInstanceId;
export const uploadTokenParameterName = lab.uploadTokenParameterName;
export const reservedConcurrency = lab.reservedConcurrency;
