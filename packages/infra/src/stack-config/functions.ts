/**
 * The function facts the stack config, the program and the lab read, derived from @lambda-lab/catalog (the
 * one place they are stated). Pure: no Pulumi import.
 */
import {
  AWS_SERVICES,
  type AwsService,
  CATALOG_IDS,
  type CatalogId,
  type FunctionNeeds as CatalogNeeds,
  FUNCTION_IDS,
  FUNCTIONS,
  type FunctionId,
  needsOf,
  onFailureSourcesOf,
} from "@lambda-lab/catalog";

export { PROJECT } from "@lambda-lab/catalog";
export { CATALOG_IDS, type CatalogId, FUNCTION_IDS, type FunctionId };

/** AWS services a VPC function may call; S3 is reached through the free gateway endpoint. */
export const INTERFACE_ENDPOINT_SERVICES = AWS_SERVICES;
export type InterfaceEndpointService = AwsService;

/** What the web-app host's SSM agent and CloudWatch agent call when it sits in a private subnet. */
export const WEB_APP_HOST_SERVICES: readonly InterfaceEndpointService[] = [
  "ssm",
  "ssmmessages",
  "ec2messages",
  "logs",
  "monitoring",
];

export interface FunctionNeeds extends CatalogNeeds {
  /** Invoked asynchronously (S3, Scheduler, SNS, CloudWatch Logs): gets an on-failure destination. */
  async: boolean;
}

/** What each function needs from the network (the catalog's needs, `async` from its triggers). */
export const FUNCTION_NEEDS = Object.fromEntries(CATALOG_IDS.map((id) => [id, needsOf(id)])) as Record<
  CatalogId,
  FunctionNeeds
>;

/** Lambda's async retries per function (MaximumRetryAttempts), read by the Pulumi program and the local lab. */
export const ASYNC_RETRY_ATTEMPTS = Object.fromEntries(
  FUNCTION_IDS.map((id) => [id, FUNCTIONS[id].asyncRetryAttempts]),
) as Readonly<Record<FunctionId, 0 | 1 | 2>>;

/**
 * Lambda polls an SQS source with at least 2 concurrent batches (ScalingConfig.MaximumConcurrency: 2–1000,
 * Lambda developer guide, "Configuring scaling behavior for SQS event source mappings"). The on-failure
 * consumers' sources are capped at that minimum, so their reservation can be sized from it.
 */
export const ALERTS_QUEUE_MAX_CONCURRENCY = 2;

/** The on-failure queues the alerts function consumes: every async function's but its own. */
export const ALERTS_CONSUMED_QUEUES = onFailureSourcesOf("alerts");
/** The queues' pollers at their cap, plus one for the SNS alarms and log deliveries that arrive meanwhile. */
export const ALERTS_MIN_RESERVED = ALERTS_CONSUMED_QUEUES.length * ALERTS_QUEUE_MAX_CONCURRENCY + 1;
