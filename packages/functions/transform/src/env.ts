import {
  AwsRuntimeEnv,
  IN_ENGLISH,
  parseEnv,
  positiveInteger,
  S3Endpoint,
  subsetList,
  wholeNumber,
} from "@lambda-lab/shared";
// zod/mini: functions instead of methods, so the bundle holds only what it calls (README, "Cold start").
import * as z from "zod/mini";
import { OUTPUT_FORMATS } from "./formats.js";

const MiB = 1024 * 1024;
/** Lambda allocates CPU in proportion to memory: one full vCPU per 1,769 MB, at most 6 vCPUs. */
export const LAMBDA_MB_PER_VCPU = 1769;
const LAMBDA_MAX_VCPUS = 6;

/** Deployment tools often write an unset variable as "": treat that as unset, so defaults apply. */
const unsetIfEmpty = (value: unknown) => (value === "" ? undefined : value);
const withDefault = <T extends z.ZodMiniType>(schema: T, value: z.core.util.NoUndefined<z.output<T>>) =>
  z.pipe(z.transform(unsetIfEmpty), z._default(schema, value));
const optional = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(z.transform(unsetIfEmpty), z.optional(schema));

/** Variant names become key segments (`variants/<id>/<name>.webp`), so they stay lowercase and URL-safe. */
export const VariantSpec = z.object({
  name: z
    .string()
    .check(
      z.regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "must be 1-32 of a-z, 0-9 and -, starting with a letter or digit"),
    ),
  width: z.int().check(z.minimum(1), z.maximum(8192)),
});
export type VariantSpec = z.infer<typeof VariantSpec>;

export const DEFAULT_VARIANTS: VariantSpec[] = [
  { name: "thumb", width: 200 },
  { name: "medium", width: 800 },
  { name: "large", width: 1600 },
];

const VariantList = z.array(VariantSpec).check(
  z.minLength(1, "needs at least one variant"),
  z.refine((list) => new Set(list.map((v) => v.name)).size === list.length, "variant names must be unique"),
);

const variantsJson = z.pipe(
  z.string(),
  z.transform((value: string, ctx): VariantSpec[] => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      ctx.issues.push({
        code: "custom",
        message: 'must be JSON such as [{"name":"thumb","width":200}]',
        input: value,
      });
      return z.NEVER;
    }
    const result = VariantList.safeParse(parsed, IN_ENGLISH);
    if (result.success) return result.data;
    for (const issue of result.error.issues)
      ctx.issues.push({
        code: "custom",
        message: `${issue.path.join(".") || "list"}: ${issue.message}`,
        input: value,
      });
    return z.NEVER;
  }),
);

const formatList = subsetList(OUTPUT_FORMATS);

export const TransformEnv = z.object({
  BUCKET_NAME: z.string().check(z.minLength(1)),
  /** The local lab's S3 server. Unset in AWS. */
  S3_ENDPOINT: optional(S3Endpoint),
  AWS_REGION: optional(z.string().check(z.minLength(1))),
  /** Set by Lambda from the function's role (the lab passes its S3 server's keys); checked at the first S3 call. */
  AWS_ACCESS_KEY_ID: AwsRuntimeEnv.AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: AwsRuntimeEnv.AWS_SECRET_ACCESS_KEY,
  AWS_SESSION_TOKEN: AwsRuntimeEnv.AWS_SESSION_TOKEN,
  VARIANTS: withDefault(variantsJson, DEFAULT_VARIANTS),
  OUTPUT_FORMATS: withDefault(formatList, ["webp", "jpeg"]),
  MAX_INPUT_BYTES: withDefault(positiveInteger(), 50 * MiB),
  /** Checked against the header before any pixel is decoded: a decompression bomb costs milliseconds. */
  MAX_INPUT_PIXELS: withDefault(positiveInteger(), 100_000_000),
  /** `keep`: animated GIF/WebP stay animated in WebP; JPEG and AVIF get the first frame. */
  ANIMATION: withDefault(z.enum(["keep", "first-frame"]), "keep"),
  /** libvips threads per image. Unset: derived from the function's memory (see `sharpSettingsOf`). */
  SHARP_CONCURRENCY: optional(positiveInteger(64)),
  SHARP_CACHE_MEMORY_MB: withDefault(wholeNumber(), 50),
  /** Set by Lambda. */
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: optional(wholeNumber({ min: 128 })),
});
export type TransformEnv = z.infer<typeof TransformEnv>;

/** Validated once per cold start: a bad deployment fails at init with a message naming the variable. */
export const loadEnv = (source: Record<string, string | undefined> = process.env): TransformEnv =>
  parseEnv("transform", TransformEnv, source);

export interface SharpSettings {
  /** undefined keeps sharp's own default (1 on glibc without jemalloc, else the core count). */
  concurrency: number | undefined;
  cacheMemoryMb: number;
}

/**
 * SHARP_CONCURRENCY wins; otherwise one libvips thread per vCPU Lambda grants for the configured memory,
 * rounded (a 3,008 MB function gets 1.7 vCPUs, so 2 threads). Outside Lambda sharp's default stands.
 */
export const sharpSettingsOf = (env: TransformEnv): SharpSettings => {
  const memory = env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
  const derived =
    memory === undefined
      ? undefined
      : Math.min(LAMBDA_MAX_VCPUS, Math.max(1, Math.round(memory / LAMBDA_MB_PER_VCPU)));
  return { concurrency: env.SHARP_CONCURRENCY ?? derived, cacheMemoryMb: env.SHARP_CACHE_MEMORY_MB };
};
