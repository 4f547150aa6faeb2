import {
  IMAGE_TYPES,
  type ImageContentType,
  parseEnv,
  S3Endpoint,
  splitList,
  subsetList,
} from "@lambda-lab/shared";
// A namespace import lets esbuild drop the parts of zod we never call (`import { z }` keeps all of it).
import * as z from "zod";

const MiB = 1024 * 1024;
/** S3 rejects a POST upload larger than 5 GiB, so a larger cap could never be honoured. */
const S3_POST_LIMIT_BYTES = 5 * 1024 * MiB;
/** The issue caps the form's lifetime at five minutes: a leaked form is useless soon after. */
const MAX_TTL_SECONDS = 300;
const MIN_SECRET_LENGTH = 32;

/** Deployment tools often write an unset variable as "": treat that as unset, so defaults apply. */
const unsetIfEmpty = (value: unknown) => (value === "" ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional());

const IMAGE_CONTENT_TYPES = Object.keys(IMAGE_TYPES) as ImageContentType[];
const contentTypeList = subsetList(IMAGE_CONTENT_TYPES);

const origin = z.string().refine(
  (value) => {
    if (value === "*") return true;
    try {
      return new URL(value).origin === value;
    } catch {
      return false;
    }
  },
  {
    message:
      'each entry must be "*" or an origin such as https://app.example.com (no path, no trailing slash)',
  },
);
const originList = z
  .string()
  .transform((value) => splitList(value))
  .pipe(z.array(origin));

export const UploadEnv = z
  .object({
    BUCKET_NAME: z.string().min(1),
    /** The local lab's S3 server. Unset in AWS, where the bucket's regional virtual-hosted URL is used. */
    S3_ENDPOINT: optional(S3Endpoint),
    AWS_REGION: z.preprocess(unsetIfEmpty, z.string().min(1).default("us-east-1")),
    AWS_ACCESS_KEY_ID: z.string().min(1),
    AWS_SECRET_ACCESS_KEY: z.string().min(1),
    /** Set by Lambda for role credentials; a POST form signed with them must carry it as a field. */
    AWS_SESSION_TOKEN: optional(z.string().min(1)),
    ALLOWED_CONTENT_TYPES: z.preprocess(unsetIfEmpty, contentTypeList.default(IMAGE_CONTENT_TYPES)),
    MAX_UPLOAD_BYTES: z.preprocess(
      unsetIfEmpty,
      z.coerce
        .number({ error: "must be a whole number of bytes" })
        .int()
        .min(1)
        .max(S3_POST_LIMIT_BYTES, {
          error: "must be at most 5 GiB, the largest object a POST upload can create",
        })
        .default(20 * MiB),
    ),
    UPLOAD_URL_TTL_SECONDS: z.preprocess(
      unsetIfEmpty,
      z.coerce
        .number({ error: "must be a whole number of seconds" })
        .int()
        .min(1, { error: `must be between 1 and ${MAX_TTL_SECONDS} seconds` })
        .max(MAX_TTL_SECONDS, { error: `must be between 1 and ${MAX_TTL_SECONDS} seconds` })
        .default(MAX_TTL_SECONDS),
    ),
    AUTH_MODE: z.preprocess(unsetIfEmpty, z.enum(["none", "token"]).default("none")),
    /** The HMAC secret itself: the local lab's way (like alerts' SLACK_WEBHOOK_URL). */
    AUTH_TOKEN_SECRET: optional(z.string()),
    /**
     * The cloud's way: the name of an SSM SecureString holding the secret, read once at init, so the
     * secret is not in the function's configuration (visible to lambda:GetFunctionConfiguration).
     */
    AUTH_TOKEN_PARAMETER: optional(z.string().min(1)),
    /** The SDKs' service-specific endpoint variable: a local SSM stand-in for tests; unset in AWS. */
    AWS_ENDPOINT_URL_SSM: optional(
      z
        .url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://127.0.0.1:4583" })
        .transform((value) => value.replace(/\/+$/, "")),
    ),
    CORS_ALLOWED_ORIGINS: z.preprocess(unsetIfEmpty, originList.default([])),
  })
  .superRefine((env, ctx) => {
    if (env.AUTH_MODE !== "token") return;
    if (env.AUTH_TOKEN_SECRET !== undefined && env.AUTH_TOKEN_PARAMETER !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_TOKEN_SECRET"],
        message: "set AUTH_TOKEN_SECRET or AUTH_TOKEN_PARAMETER, not both",
      });
    else if (env.AUTH_TOKEN_SECRET === undefined && env.AUTH_TOKEN_PARAMETER === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_TOKEN_SECRET"],
        message: `is required when AUTH_MODE=token (at least ${MIN_SECRET_LENGTH} characters), or AUTH_TOKEN_PARAMETER naming an SSM SecureString that holds it`,
      });
    else if (env.AUTH_TOKEN_SECRET !== undefined && env.AUTH_TOKEN_SECRET.length < MIN_SECRET_LENGTH)
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_TOKEN_SECRET"],
        message: `must be at least ${MIN_SECRET_LENGTH} characters when AUTH_MODE=token`,
      });
  });
export type UploadEnv = z.infer<typeof UploadEnv>;

/** Validated once per cold start: a bad deployment fails at init with a message naming the variable. */
export const loadEnv = (source: Record<string, string | undefined> = process.env): UploadEnv =>
  parseEnv("upload", UploadEnv, source);
