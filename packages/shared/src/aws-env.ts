import * as z from "zod/mini";
import type { AwsCredentials } from "./aws-fetch.js";

/**
 * What the Lambda runtime puts in every function's environment and the AWS clients sign with: the region
 * and the execution role's credentials (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * Optional here, as the SDK treats them: they are checked at the first AWS call, so an import never fails
 * for them. Spread into a function's env schema; env.ts stays the only reader of process.env.
 */
export const AwsRuntimeEnv = {
  AWS_REGION: z.optional(z.string().check(z.minLength(1))),
  AWS_ACCESS_KEY_ID: z.optional(z.string().check(z.minLength(1))),
  AWS_SECRET_ACCESS_KEY: z.optional(z.string().check(z.minLength(1))),
  AWS_SESSION_TOKEN: z.optional(z.string().check(z.minLength(1))),
};

export const awsCredentialsOf = (env: {
  AWS_ACCESS_KEY_ID?: string | undefined;
  AWS_SECRET_ACCESS_KEY?: string | undefined;
  AWS_SESSION_TOKEN?: string | undefined;
}): Partial<AwsCredentials> => ({
  accessKeyId: env.AWS_ACCESS_KEY_ID,
  secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
  sessionToken: env.AWS_SESSION_TOKEN,
});
