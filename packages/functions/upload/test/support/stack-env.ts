import { IMAGE_TYPES } from "@lambda-lab/shared";
import { toEnvironment } from "../../src/environment.js";

/**
 * The variables every stack sets on the upload function (infra and the lab both write them with
 * `toEnvironment`), here with the stack config's default values: the function requires them, so a test
 * environment starts from these and overrides what it is about.
 */
export const STACK_SET_ENV: Record<string, string> = (({ BUCKET_NAME: _bucket, ...rest }) => rest)(
  toEnvironment({
    bucketName: "lab-images",
    allowedContentTypes: Object.keys(IMAGE_TYPES),
    maxUploadBytes: 20 * 1024 * 1024,
    urlTtlSeconds: 300,
    corsAllowedOrigins: [],
    auth: { mode: "none" },
  }),
) as Record<string, string>;
