/**
 * The only reader of process.env: the region the AWS SDK would use. Credentials are left to the SDK's own
 * provider chain (the workflow's OIDC role, AWS_PROFILE…) and never pass through this code.
 */
export const runnerRegion = (source: Record<string, string | undefined> = process.env): string | undefined =>
  source.AWS_REGION || source.AWS_DEFAULT_REGION || undefined;

/** Where the user typed the command: pnpm runs scripts from the package or repo folder. */
export const userCwd = (source: Record<string, string | undefined> = process.env): string =>
  source.INIT_CWD || process.cwd();
