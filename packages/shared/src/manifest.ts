import * as z from "zod/mini";

const nonEmptyString = () => z.string().check(z.minLength(1));
const positiveInt = () => z.int().check(z.positive());

/** One web variant the transform function wrote. */
export const VariantEntry = z.object({
  name: nonEmptyString(),
  format: z.enum(["webp", "jpeg", "avif", "gif"]),
  key: nonEmptyString(),
  contentType: nonEmptyString(),
  width: positiveInt(),
  height: positiveInt(),
  bytes: z.int().check(z.nonnegative()),
});
export type VariantEntry = z.infer<typeof VariantEntry>;

/** `variants/<imageId>/manifest.json`: written last, so its presence means every variant is in place. */
export const VariantManifest = z.object({
  version: z.literal(1),
  imageId: nonEmptyString(),
  sourceKey: nonEmptyString(),
  sourceEtag: nonEmptyString(),
  sourceFormat: nonEmptyString(),
  width: positiveInt(),
  height: positiveInt(),
  animated: z.boolean(),
  variants: z.array(VariantEntry),
  createdAt: z.iso.datetime(),
});
export type VariantManifest = z.infer<typeof VariantManifest>;

/** Why an image can never be transformed. Retrying would not help, so these are never thrown. */
export const QuarantineReason = z.enum([
  "empty",
  "too-large",
  "too-many-pixels",
  "unsupported-type",
  "corrupt",
]);
export type QuarantineReason = z.infer<typeof QuarantineReason>;

/** `quarantine/<imageId>.json`: the original stays untouched; this says why it has no variants. */
export const QuarantineMarker = z.object({
  version: z.literal(1),
  imageId: nonEmptyString(),
  sourceKey: nonEmptyString(),
  sourceEtag: z.string(),
  reason: QuarantineReason,
  detail: z.string(),
  quarantinedAt: z.iso.datetime(),
});
export type QuarantineMarker = z.infer<typeof QuarantineMarker>;
