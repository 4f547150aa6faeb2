/**
 * The transform function's environment, built from its settings: the one writer of the variables env.ts
 * reads. The Pulumi program and the local lab both call it (values are `pulumi.Input<string>`s there,
 * strings here). No runtime imports: the lab loads it without sharp or the function.
 */
import type { OutputFormat } from "./formats.js";

export interface TransformSettings<V = string> {
  bucketName: V;
  /** The local lab's S3 server; unset in AWS. */
  s3Endpoint?: V;
  variants: readonly { name: string; width: number }[];
  outputFormats: readonly OutputFormat[];
  maxInputBytes: number;
  maxInputPixels: number;
  animation: "keep" | "first-frame";
}

export const toEnvironment = <V = string>(settings: TransformSettings<V>): Record<string, V | string> => ({
  BUCKET_NAME: settings.bucketName,
  ...(settings.s3Endpoint !== undefined ? { S3_ENDPOINT: settings.s3Endpoint } : {}),
  // Only the two fields the schema reads, in a fixed order: the JSON is part of the function's configuration.
  VARIANTS: JSON.stringify(settings.variants.map(({ name, width }) => ({ name, width }))),
  OUTPUT_FORMATS: settings.outputFormats.join(","),
  MAX_INPUT_BYTES: String(settings.maxInputBytes),
  MAX_INPUT_PIXELS: String(settings.maxInputPixels),
  ANIMATION: settings.animation,
});
