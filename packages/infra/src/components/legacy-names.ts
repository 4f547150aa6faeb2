/**
 * Resource names before the catalog (issue 16), as aliases. Pulumi identifies a resource by its URN (type
 * chain + name); a renamed or re-parented resource without an alias is a create of the new one and a delete
 * of the old one, in that order. For these that is not harmless:
 *
 * - an SSM parameter and an API Gateway route keep their physical name or route key, so the create fails
 *   (ParameterAlreadyExists, ConflictException);
 * - Lambda refuses a second event source mapping for the same queue and function (ResourceConflictException
 *   "An event source mapping with SQS arn … already exists");
 * - a bucket has one notification configuration, so deleting the old BucketNotification after creating the
 *   new one would leave the bucket with none: uploads would stop reaching transform.
 *
 * An alias makes Pulumi move the state instead. URNs are built with Pulumi's own `createUrn`.
 */
import * as pulumi from "@pulumi/pulumi";

// Functions, not constants: a URN names the stack, which a test process changes between runs.
const functionsComponent = () => pulumi.createUrn("functions", "lambda-lab:lambda:Functions");
const underTriggers = (name: string, type: string) =>
  pulumi.createUrn(name, type, pulumi.createUrn("triggers", "lambda-lab:triggers:Triggers"));

/** Where each SSM parameter was: the Slack webhook at the root, the token secret under Functions. */
export const legacyParameterUrn = (id: "slack-webhook-url" | "upload-auth-token"): pulumi.Output<string> =>
  id === "slack-webhook-url"
    ? pulumi.createUrn("slack-webhook-url", "aws:ssm/parameter:Parameter")
    : pulumi.createUrn("functions-upload-auth-token", "aws:ssm/parameter:Parameter", functionsComponent());

/** The bucket notification was named after its one prefix. */
export const legacyNotificationUrn = (): pulumi.Output<string> =>
  underTriggers("triggers-uploads-notification", "aws:s3/bucketNotification:BucketNotification");

const LEGACY_ROUTE_NAMES: Record<string, string> = {
  "POST /uploads": "triggers-route-post",
  "GET /uploads/{id}": "triggers-route-get",
};
/** The routes were named after their method alone; a route added since has no former name. */
export const legacyRouteUrns = (routeKey: string): pulumi.Output<string>[] => {
  const name = LEGACY_ROUTE_NAMES[routeKey];
  return name ? [underTriggers(name, "aws:apigatewayv2/route:Route")] : [];
};

const LEGACY_FAILURE_SOURCES = ["transform", "orphan-cleanup", "daily-stats"];
/** The on-failure mappings were numbered in the order their queues were listed. */
export const legacyFailureMappingUrns = (source: string): pulumi.Output<string>[] => {
  const i = LEGACY_FAILURE_SOURCES.indexOf(source);
  return i < 0
    ? []
    : [underTriggers(`triggers-failures-to-alerts-${i}`, "aws:lambda/eventSourceMapping:EventSourceMapping")];
};
