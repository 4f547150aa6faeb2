import type { TransformEnv } from "./env.js";
import type { TransformConfig } from "./transform-image.js";

/** The core's settings, from the validated environment. */
export const transformConfigOf = (env: TransformEnv): TransformConfig => ({
  variants: env.VARIANTS,
  formats: env.OUTPUT_FORMATS,
  maxInputBytes: env.MAX_INPUT_BYTES,
  maxInputPixels: env.MAX_INPUT_PIXELS,
  animation: env.ANIMATION,
});
