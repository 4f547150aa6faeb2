import {
  IMAGE_TYPES,
  type ImageContentType,
  parseEnv,
  S3Endpoint,
  splitList,
  subsetList,
} from "@lambda-lab/shared";
// zod/mini: functions instead of methods, so the bundle holds only what it calls (README, "Cold start").
import * as z from "zod/mini";

const MiB = 1024 * 1024;
/** S3 rejects a POST upload larger than 5 GiB, so a larger cap could never be honoured. */
const S3_POST_LIMIT_BYTES = 5 * 1024 * MiB;
/** The issue caps the form's lifetime at five minutes: a leaked form is useless soon after. */
const MAX_TTL_SECONDS = 300;
const MIN_SECRET_LENGTH = 32;

/** Deployment tools often write an unset variable as "": treat that as unset, so defaults apply. */
const unsetIfEmpty = (value: unknown) => (value === "" ? undefined : value);
const unsetWhenEmpty = <T extends z.ZodMiniType>(schema: T) => z.pipe(z.transform(unsetIfEmpty), schema);
const optional = <T extends z.ZodMiniType>(schema: T) => unsetWhenEmpty(z.optional(schema));

const IMAGE_CONTENT_TYPES = Object.keys(IMAGE_TYPES) as ImageContentType[];
const contentTypeList = subsetList(IMAGE_CONTENT_TYPES);

const origin = z.string().check(
  z.refine(
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
  ),
);
const originList = z.pipe(
  z.pipe(
    z.string(),
    z.transform((value: string) => splitList(value)),
  ),
  z.array(origin),
);
const nonEmpty = () => z.string().check(z.minLength(1));

export const UploadEnv = z
  .object({
    BUCKET_NAME: nonEmpty(),
    /** The local lab's S3 server. Unset in AWS, where the bucket's regional virtual-hosted URL is used. */
    S3_ENDPOINT: optional(S3Endpoint),
    AWS_REGION: unsetWhenEmpty(z._default(nonEmpty(), "us-east-1")),
    AWS_ACCESS_KEY_ID: nonEmpty(),
    AWS_SECRET_ACCESS_KEY: nonEmpty(),
    /** Set by Lambda for role credentials; a POST form signed with them must carry it as a field. */
    AWS_SESSION_TOKEN: optional(nonEmpty()),
    // The settings the stack always sets are required (their defaults live in the stack config only): a
    // deployment that lost one fails at init, naming it, instead of running on a value nobody chose.
    ALLOWED_CONTENT_TYPES: unsetWhenEmpty(contentTypeList),
    MAX_UPLOAD_BYTES: unsetWhenEmpty(
      z.coerce.number({ error: "must be a whole number of bytes" }).check(
        z.int(),
        z.minimum(1),
        z.maximum(S3_POST_LIMIT_BYTES, {
          error: "must be at most 5 GiB, the largest object a POST upload can create",
        }),
      ),
    ),
    UPLOAD_URL_TTL_SECONDS: unsetWhenEmpty(
      z.coerce
        .number({ error: "must be a whole number of seconds" })
        .check(
          z.int(),
          z.minimum(1, { error: `must be between 1 and ${MAX_TTL_SECONDS} seconds` }),
          z.maximum(MAX_TTL_SECONDS, { error: `must be between 1 and ${MAX_TTL_SECONDS} seconds` }),
        ),
    ),
    // No default on purpose: a lost AUTH_MODE must not turn token checks off (fail closed).
    AUTH_MODE: unsetWhenEmpty(z.enum(["none", "token"])),
    /** The HMAC secret itself: the local lab's way (like alerts' SLACK_WEBHOOK_URL). */
    AUTH_TOKEN_SECRET: optional(z.string()),
    /**
     * The cloud's way: the name of an SSM SecureString holding the secret, read once at init, so the
     * secret is not in the function's configuration (visible to lambda:GetFunctionConfiguration).
     */
    AUTH_TOKEN_PARAMETER: optional(nonEmpty()),
    /** The SDKs' service-specific endpoint variable: a local SSM stand-in for tests; unset in AWS. */
    AWS_ENDPOINT_URL_SSM: optional(
      z.pipe(
        z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://127.0.0.1:4583" }),
        z.transform((value: string) => value.replace(/\/+$/, "")),
      ),
    ),
    /** "" is a real value: no browser origin may post (the stack sets the list, possibly empty). */
    CORS_ALLOWED_ORIGINS: originList,
  })
  .check(
    z.superRefine((env, ctx) => {
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
    }),
  );
export type UploadEnv = z.infer<typeof UploadEnv>;

/** Validated once per cold start: a bad deployment fails at init with a message naming the variable. */
export const loadEnv = (source: Record<string, string | undefined> = process.env): UploadEnv =>
  parseEnv("upload", UploadEnv, source);
