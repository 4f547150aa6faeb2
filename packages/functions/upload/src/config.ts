import type { AuthConfig } from "./auth.js";
import type { UploadFormConfig } from "./create-upload-form.js";
import type { UploadEnv } from "./env.js";
import type { UploadRules } from "./upload-request.js";

/** Everything the handler needs from the environment, in the shape the cores take. */
export interface UploadConfig {
  form: UploadFormConfig;
  rules: UploadRules;
  auth: AuthConfig;
  corsAllowedOrigins: readonly string[];
}

/** The bucket's URL: path-style on a local endpoint, regional virtual-hosted style in AWS. */
export const bucketUrlOf = (env: Pick<UploadEnv, "BUCKET_NAME" | "S3_ENDPOINT" | "AWS_REGION">): string =>
  env.S3_ENDPOINT
    ? `${env.S3_ENDPOINT}/${env.BUCKET_NAME}`
    : `https://${env.BUCKET_NAME}.s3.${env.AWS_REGION}.amazonaws.com`;

export const configOf = (env: UploadEnv): UploadConfig => ({
  form: {
    bucket: env.BUCKET_NAME,
    bucketUrl: bucketUrlOf(env),
    region: env.AWS_REGION,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      sessionToken: env.AWS_SESSION_TOKEN,
    },
    ttlSeconds: env.UPLOAD_URL_TTL_SECONDS,
  },
  rules: { allowedContentTypes: env.ALLOWED_CONTENT_TYPES, maxUploadBytes: env.MAX_UPLOAD_BYTES },
  auth: env.AUTH_MODE === "token" ? { mode: "token", secret: env.AUTH_TOKEN_SECRET ?? "" } : { mode: "none" },
  corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS,
});
