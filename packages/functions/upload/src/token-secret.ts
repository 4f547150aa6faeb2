import { SecretReadError } from "@lambda-lab/shared";
import type { UploadEnv } from "./env.js";
import { MIN_TOKEN_SECRET_LENGTH } from "./token.js";

/**
 * The environment with the token secret in hand: as given (the local lab sets AUTH_TOKEN_SECRET), or read
 * from the SSM SecureString AUTH_TOKEN_PARAMETER names (the cloud), held to the same length floor.
 */
export const withTokenSecret = async (
  env: UploadEnv,
  readParameter: (name: string) => Promise<string>,
): Promise<UploadEnv> => {
  if (env.AUTH_MODE !== "token" || env.AUTH_TOKEN_PARAMETER === undefined) return env;
  const name = env.AUTH_TOKEN_PARAMETER;
  const secret = await readParameter(name);
  if (secret.length < MIN_TOKEN_SECRET_LENGTH)
    throw new SecretReadError(
      `SSM parameter ${name} holds a token secret shorter than ${MIN_TOKEN_SECRET_LENGTH} characters`,
    );
  return { ...env, AUTH_TOKEN_SECRET: secret };
};
