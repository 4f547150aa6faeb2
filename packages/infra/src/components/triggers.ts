import {
  type FunctionId,
  type HttpFunctionId,
  onFailureSourcesOf,
  type RouteKey,
  type ScheduledFunctionId,
  triggered,
} from "@lambda-lab/catalog";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { API_STAGE, apiCorsOf } from "../emulated.js";
import { ALERTS_QUEUE_MAX_CONCURRENCY } from "../stack-config.js";
import { legacyFailureMappingUrns, legacyNotificationUrn, legacyRouteUrns } from "./legacy-names.js";
import type { NodeFunction } from "./node-function.js";
import { SCHEDULE_INPUTS } from "./schedule-inputs.js";

export interface TriggersArgs {
  accountId: pulumi.Input<string>;
  bucket: { id: pulumi.Input<string>; arn: pulumi.Input<string> };
  functions: Record<FunctionId, NodeFunction>;
  corsAllowedOrigins: string[];
  timeZone: string;
  /** Each scheduled function's expression (the stack's `<camelId>Schedule` keys). */
  schedules: Record<ScheduledFunctionId, string>;
  logRetentionDays: number;
  /** Resources the bucket notification must wait for (the bucket's own settings). */
  bucketReady: pulumi.Resource[];
  /** What the schedules must wait for: the deploy-time migrations, so no run meets an old schema. */
  schedulesAfter: pulumi.Resource[];
}

/** `GET /uploads/{id}` → `get-uploads-id`: a resource name from a route key. */
export const routeSlug = (routeKey: RouteKey): string =>
  routeKey
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** The API's access log line: API Gateway's `$context` variables, the fields the lab may mirror. */
export const API_ACCESS_LOG_FORMAT = {
  requestId: "$context.requestId",
  routeKey: "$context.routeKey",
  status: "$context.status",
  integrationError: "$context.integrationErrorMessage",
  latency: "$context.responseLatency",
} as const;

/**
 * What invokes each function, wired once per trigger kind for every function the catalog gives it: S3 →
 * one notification per bucket, EventBridge Scheduler (with a time zone), an HTTP API per HTTP function,
 * and SQS event source mappings on the on-failure queues. Every resource-based permission carries the
 * `sourceArn` of the one resource allowed to invoke.
 */
export class Triggers extends pulumi.ComponentResource {
  readonly apis = {} as Record<HttpFunctionId, aws.apigatewayv2.Api>;
  readonly apiUrls = {} as Record<HttpFunctionId, pulumi.Output<string>>;
  /** Scheduler's own dead-letter queue: invocations it could not deliver (alarmed, never consumed). */
  readonly schedulerDeadLetters: aws.sqs.Queue;

  constructor(name: string, args: TriggersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:triggers:Triggers", name, {}, opts);
    const fnOf = (id: string): NodeFunction => {
      const fn = args.functions[id as FunctionId];
      if (!fn) throw new Error(`the catalog gives ${id} a trigger, but the program built no such function`);
      return fn;
    };

    this.wireS3(name, args, fnOf);
    this.schedulerDeadLetters = this.wireSchedules(name, args, fnOf);
    this.wireHttp(name, args, fnOf);
    this.wireOnFailureQueues(name, fnOf);
    this.registerOutputs({ apiUrls: this.apiUrls });
  }

  /**
   * A bucket has one notification configuration: each BucketNotification replaces the bucket's whole
   * configuration, so every S3-triggered function is an entry of the same one (as SST's Bucket.subscribe
   * keeps it). Outputs go under other prefixes, so no function triggers itself (the catalog's tests).
   */
  private wireS3(name: string, args: TriggersArgs, fnOf: (id: string) => NodeFunction) {
    const s3 = triggered("s3");
    if (s3.length === 0) return;
    const permissions = [...new Set(s3.map((t) => t.id))].map(
      (id) =>
        new aws.lambda.Permission(
          `${name}-s3-invokes-${id}`,
          {
            function: fnOf(id).name,
            action: "lambda:InvokeFunction",
            principal: "s3.amazonaws.com",
            sourceArn: args.bucket.arn,
            sourceAccount: args.accountId,
          },
          { parent: this },
        ),
    );
    new aws.s3.BucketNotification(
      `${name}-bucket-notification`,
      {
        bucket: args.bucket.id,
        lambdaFunctions: s3.flatMap(({ id, trigger }) =>
          (trigger.suffixes.length === 0 ? [undefined] : trigger.suffixes).map((suffix) => ({
            lambdaFunctionArn: fnOf(id).arn,
            events: [...trigger.events],
            filterPrefix: trigger.prefix,
            ...(suffix ? { filterSuffix: suffix } : {}),
          })),
        ),
      },
      // S3 tests the permission when the notification is saved.
      {
        parent: this,
        dependsOn: [...permissions, ...args.bucketReady],
        aliases: [legacyNotificationUrn()],
      },
    );
  }

  /** EventBridge Scheduler invokes through a role (no resource policy), limited to the scheduled functions. */
  private wireSchedules(name: string, args: TriggersArgs, fnOf: (id: string) => NodeFunction) {
    const schedulerRole = new aws.iam.Role(
      `${name}-scheduler-role`,
      {
        assumeRolePolicy: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "scheduler.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
            },
          ],
        },
      },
      { parent: this },
    );
    // The functions own their schedule input: Scheduler fills its context attributes at each firing.
    const scheduled = triggered("schedule").map(({ id }) => ({
      id,
      fn: fnOf(id),
      expression: args.schedules[id],
      input: SCHEDULE_INPUTS[id](),
    }));
    // Scheduler's dead letters are its raw input plus error attributes, not Lambda invocation records, so
    // they get their own queue and alarm instead of landing where the alerts function parses records.
    const deadLetters = new aws.sqs.Queue(
      `${name}-scheduler-dead-letters`,
      { messageRetentionSeconds: 14 * 24 * 3600, sqsManagedSseEnabled: true },
      { parent: this },
    );
    const schedulerPolicy = new aws.iam.RolePolicy(
      `${name}-scheduler-policy`,
      {
        role: schedulerRole.id,
        policy: {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "lambda:InvokeFunction", Resource: scheduled.map((s) => s.fn.arn) },
            { Effect: "Allow", Action: "sqs:SendMessage", Resource: deadLetters.arn },
          ],
        },
      },
      { parent: this },
    );
    for (const job of scheduled) {
      new aws.scheduler.Schedule(
        `${name}-${job.id}-schedule`,
        {
          description: `Runs ${job.id} on ${job.expression} (${args.timeZone})`,
          scheduleExpression: job.expression,
          scheduleExpressionTimezone: args.timeZone,
          flexibleTimeWindow: { mode: "OFF" },
          target: {
            arn: job.fn.arn,
            roleArn: schedulerRole.arn,
            input: job.input,
            retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
            // Invocations the scheduler could not even deliver (throttled, deleted); a run that fails is
            // Lambda's async failure and goes to the function's on-failure destination instead.
            deadLetterConfig: { arn: deadLetters.arn },
          },
        },
        { parent: this, dependsOn: [schedulerPolicy, ...args.schedulesAfter] },
      );
    }
    return deadLetters;
  }

  /** An HTTP API per HTTP function, with the catalog's routes. CORS is answered by API Gateway. */
  private wireHttp(name: string, args: TriggersArgs, fnOf: (id: string) => NodeFunction) {
    for (const { id, trigger } of triggered("http")) {
      const fn = fnOf(id);
      const api = new aws.apigatewayv2.Api(
        `${name}-${id}-api`,
        {
          protocolType: "HTTP",
          description: `Lambda Lab ${id} API`,
          // One description for the program and the lab's API Gateway (src/emulated.ts).
          corsConfiguration: apiCorsOf(id, args.corsAllowedOrigins),
        },
        { parent: this },
      );
      const integration = new aws.apigatewayv2.Integration(
        `${name}-${id}-integration`,
        { apiId: api.id, integrationType: "AWS_PROXY", integrationUri: fn.arn, payloadFormatVersion: "2.0" },
        { parent: this },
      );
      for (const routeKey of trigger.routes) {
        new aws.apigatewayv2.Route(
          `${name}-${id}-route-${routeSlug(routeKey)}`,
          { apiId: api.id, routeKey, target: pulumi.interpolate`integrations/${integration.id}` },
          { parent: this, aliases: legacyRouteUrns(routeKey) },
        );
      }
      const accessLogs = new aws.cloudwatch.LogGroup(
        `${name}-${id}-api-logs`,
        { retentionInDays: args.logRetentionDays },
        { parent: this },
      );
      const stage = new aws.apigatewayv2.Stage(
        `${name}-${id}-stage`,
        {
          apiId: api.id,
          name: API_STAGE,
          autoDeploy: true,
          accessLogSettings: {
            destinationArn: accessLogs.arn,
            format: JSON.stringify(API_ACCESS_LOG_FORMAT),
          },
          defaultRouteSettings: { throttlingBurstLimit: 50, throttlingRateLimit: 20 },
        },
        { parent: this },
      );
      new aws.lambda.Permission(
        `${name}-api-invokes-${id}`,
        {
          function: fn.name,
          action: "lambda:InvokeFunction",
          principal: "apigateway.amazonaws.com",
          sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
        },
        { parent: this },
      );
      this.apis[id] = api;
      this.apiUrls[id] = stage.invokeUrl;
    }
  }

  /**
   * On-failure queues → their consumer (alerts reads Lambda invocation records from SQS). A consumer's own
   * queue is not among them (a broken consumer would loop); its depth alarm covers it.
   */
  private wireOnFailureQueues(name: string, fnOf: (id: string) => NodeFunction) {
    for (const { id: consumerId } of triggered("sqs")) {
      const consumer = fnOf(consumerId);
      const sources = onFailureSourcesOf(consumerId).flatMap((id) => {
        const queue = fnOf(id).failureQueue;
        return queue ? [{ id, queue }] : [];
      });
      if (sources.length === 0) continue;
      const consumePolicy = new aws.iam.RolePolicy(
        `${name}-${consumerId}-reads-failures`,
        {
          role: consumer.role.id,
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                Resource: sources.map((s) => s.queue.arn),
              },
            ],
          },
        },
        { parent: this },
      );
      for (const { id, queue } of sources) {
        new aws.lambda.EventSourceMapping(
          `${name}-${id}-failures-to-${consumerId}`,
          {
            eventSourceArn: queue.arn,
            functionName: consumer.arn,
            batchSize: 10,
            // Without a cap each queue polls with up to 5 batches at once, ignoring the reservation, and the
            // consumer throttles itself.
            scalingConfig: { maximumConcurrency: ALERTS_QUEUE_MAX_CONCURRENCY },
          },
          { parent: this, dependsOn: [consumePolicy], aliases: legacyFailureMappingUrns(id) },
        );
      }
    }
  }
}
