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

/** The HTTP API's one stage; its routes are the catalog's (API Gateway matches the route key exactly). */
export const API_STAGE = "$default";
export const apiRoutesOf = (id: HttpFunctionId) => routesOf(id);
