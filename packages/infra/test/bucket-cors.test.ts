/**
 * The bucket's (and the upload API's) CORS rule is stated once (`bucketCorsRule` in emulated.ts): the program's
 * BucketCorsConfiguration must be exactly that rule for the stack's origins, so the local lab, which applies
 * the same rule to its S3, cannot drift from it again (it once cached preflights for 600 s, the program 3000 s).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { apiCorsOf, BUCKET_CORS_MAX_AGE_SECONDS, bucketCorsRule } from "../src/emulated.js";
import { type ProgramRun, runProgram, STACKS } from "./harness.js";

describe.each(STACKS)("%s: the bucket's CORS", (stack) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram(stack);
  });

  it("is the one rule emulated.ts describes, for the stack's origins", () => {
    const cors = run.one("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", "storage-cors").inputs;

    expect(cors.corsRules).toEqual([bucketCorsRule(run.config.upload.corsAllowedOrigins)]);
    expect(cors.corsRules[0].maxAgeSeconds).toBe(BUCKET_CORS_MAX_AGE_SECONDS);
  });

  it("the upload API's CORS is the one apiCorsOf describes (the lab's API Gateway answers with it)", () => {
    const api = run.one("aws:apigatewayv2/api:Api", "triggers-upload-api").inputs;

    expect(api.corsConfiguration).toEqual(apiCorsOf("upload", run.config.upload.corsAllowedOrigins));
  });
});

describe("bucketCorsRule", () => {
  it("hands out fresh lists, so one caller cannot change another's rule", () => {
    const origins = ["https://a.example"];
    const first = bucketCorsRule(origins);

    first.allowedMethods.push("DELETE");
    first.allowedOrigins.push("https://b.example");

    expect(bucketCorsRule(origins).allowedMethods).toEqual(["POST", "GET", "HEAD"]);
    expect(origins).toEqual(["https://a.example"]);
  });
});
