/**
 * Physical names, derived from the project, the stack and a catalog id, so the program and the local lab
 * name the same thing the same way.
 */
import type { CatalogId } from "./derive.js";
import type { ParameterId } from "./spec.js";

/** The Pulumi project (Pulumi.yaml `name`) and the namespace of its stack keys. */
export const PROJECT = "lambda-lab";

/** `lambda-lab-<stack>-<id>` (Lambda: at most 64 of A-Z a-z 0-9 - _); its log group is /aws/lambda/<name>. */
export const functionNameOf = (stack: string, id: CatalogId): string => `${PROJECT}-${stack}-${id}`;

/** Each async function's on-failure destination queue, named after the function (one queue per function). */
export const failureQueueNameOf = (functionName: string): string => `${functionName}-failures`;

/** `/lambda-lab/<stack>/<id>`: the SSM SecureString a function reads. */
export const parameterNameOf = (stack: string, id: ParameterId): string => `/${PROJECT}/${stack}/${id}`;

/** S3 bucket names: 3–63 lower-case letters, digits, hyphens (S3 user guide, "General purpose bucket naming rules"). */
export const BUCKET_NAME_MAX = 63;

/**
 * The image bucket: `lambda-lab-<stack>-images-<account id>`. Bucket names are global across AWS, so the
 * account id keeps two accounts deploying the same stack apart; the local lab uses its placeholder account.
 */
export const bucketNameOf = (stack: string, accountId: string): string =>
  `${PROJECT}-${stack}-images-${accountId}`;
