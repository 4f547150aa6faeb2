/**
 * Values the program configures that the local lab emulates, stated once here and imported by both
 * (`@lambda-lab/infra/emulated`). Pure: no Pulumi import, so the lab does not load the SDK.
 */
import { type HttpFunctionId, routesOf } from "@lambda-lab/catalog";

/** The period of the stack's CloudWatch alarms on each function (Errors, Throttles) and its queues. */
export const ALARM_PERIOD_SECONDS = 300;
/** The account-concurrency alarm looks closer: one-minute periods, three in a row. */
export const ACCOUNT_CONCURRENCY_ALARM = { periodSeconds: 60, evaluationPeriods: 3 } as const;

/** How long a browser may cache the bucket's CORS preflight answer. */
export const BUCKET_CORS_MAX_AGE_SECONDS = 3000;

/** One S3 CORS rule, in the field names of S3's `CORSRule` (PutBucketCors), camel-cased as Pulumi spells them. */
export interface BucketCorsRule {
  allowedOrigins: string[];
  allowedMethods: ("GET" | "HEAD" | "POST" | "PUT" | "DELETE")[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
}

/**
 * The image bucket's one CORS rule: the browser POSTs the file with the presigned form, then reads variants
 * with presigned GETs (and HEADs), and may read the ETag S3 answers. The program's BucketCorsConfiguration
 * and the lab's local S3 (`setCors`) are both built from it; fresh arrays each call, so neither can change
 * the other's.
 */
export const bucketCorsRule = (allowedOrigins: readonly string[]): BucketCorsRule => ({
  allowedOrigins: [...allowedOrigins],
  allowedMethods: ["POST", "GET", "HEAD"],
  allowedHeaders: ["*"],
  exposeHeaders: ["ETag"],
  maxAgeSeconds: BUCKET_CORS_MAX_AGE_SECONDS,
});

/** The HTTP API's one stage; its routes are the catalog's (API Gateway matches the route key exactly). */
export const API_STAGE = "$default";
export const apiRoutesOf = (id: HttpFunctionId) => routesOf(id);

/** The order API Gateway's console lists methods in; the CORS methods follow it. */
const METHOD_ORDER = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** An HTTP API's CORS configuration, in Pulumi's `aws.apigatewayv2.Api` `corsConfiguration` field names. */
export interface ApiCors {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

/**
 * The CORS API Gateway answers for a function's HTTP API (it replies to preflights itself, whatever the
 * routes): the methods of the catalog's routes plus OPTIONS, the headers the browser sends (bearer token,
 * JSON), `Location` readable, preflights cached an hour. The program's Api and the lab's stand-in read it.
 */
export const apiCorsOf = (id: HttpFunctionId, allowOrigins: readonly string[]): ApiCors => {
  const routes = apiRoutesOf(id);
  return {
    allowOrigins: [...allowOrigins],
    allowMethods: METHOD_ORDER.filter((m) => m === "OPTIONS" || routes.some((r) => r.startsWith(`${m} `))),
    allowHeaders: ["authorization", "content-type"],
    exposeHeaders: ["location"],
    maxAge: 3600,
  };
};
