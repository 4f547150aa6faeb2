/**
 * The upload function's environment, built from its settings: the one writer of the variables env.ts reads.
 * The Pulumi program and the local lab both call it (values are `pulumi.Input<string>`s there, strings
 * here), so neither spells a variable name. No runtime imports: the lab loads it without the function.
 */

/** How the function gets the HMAC secret of its bearer tokens, if it checks them. */
export type UploadAuth<V = string> =
  | { mode: "none" }
  /** The cloud's way: the name of an SSM SecureString, read at init; the secret is not in the configuration. */
  | { mode: "token"; secretParameter: V }
  /** The local lab's way: the secret itself. */
  | { mode: "token"; secret: V };

export interface UploadSettings<V = string> {
  bucketName: V;
  /** The local lab's S3 server; unset in AWS (the bucket's regional URL is used). */
  s3Endpoint?: V;
  allowedContentTypes: readonly string[];
  maxUploadBytes: number;
  urlTtlSeconds: number;
  corsAllowedOrigins: readonly string[];
  auth: UploadAuth<V>;
}

export const toEnvironment = <V = string>(settings: UploadSettings<V>): Record<string, V | string> => {
  const { auth } = settings;
  return {
    BUCKET_NAME: settings.bucketName,
    ...(settings.s3Endpoint !== undefined ? { S3_ENDPOINT: settings.s3Endpoint } : {}),
    ALLOWED_CONTENT_TYPES: settings.allowedContentTypes.join(","),
    MAX_UPLOAD_BYTES: String(settings.maxUploadBytes),
    UPLOAD_URL_TTL_SECONDS: String(settings.urlTtlSeconds),
    AUTH_MODE: auth.mode,
    ...(auth.mode === "token"
      ? "secretParameter" in auth
        ? { AUTH_TOKEN_PARAMETER: auth.secretParameter }
        : { AUTH_TOKEN_SECRET: auth.secret }
      : {}),
    CORS_ALLOWED_ORIGINS: settings.corsAllowedOrigins.join(","),
  };
};
