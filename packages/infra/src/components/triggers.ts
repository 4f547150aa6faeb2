import { scheduleInput as dailyStatsScheduleInput } from "@lambda-lab/daily-stats/events";
import { scheduleInput as orphanCleanupScheduleInput } from "@lambda-lab/orphan-cleanup/events";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ALERTS_QUEUE_MAX_CONCURRENCY } from "../stack-config.js";
import type { NodeFunction } from "./node-function.js";
import { PREFIXES } from "./storage.js";

export interface TriggersArgs {
  accountId: pulumi.Input<string>;
  bucket: { id: pulumi.Input<string>; arn: pulumi.Input<string> };
  upload: NodeFunction;
  transform: NodeFunction;
  orphanCleanup: NodeFunction;
  dailyStats: NodeFunction;
  alerts: NodeFunction;
  corsAllowedOrigins: string[];
  timeZone: string;
  schedules: { orphanCleanup: string; dailyStats: string };
  logRetentionDays: number;
  /** Resources the bucket notification must wait for (the bucket's own settings). */
  bucketReady: pulumi.Resource[];
  /** What the schedules must wait for: the deploy-time migrations, so no run meets an old schema. */
  schedulesAfter: pulumi.Resource[];
}

/**
 * What invokes each function: S3 `uploads/` → transform, EventBridge Scheduler (with a time zone) →
 * orphan-cleanup and daily-stats, an HTTP API → upload, and the on-failure queues → alerts. Every
 * resource-based permission carries the `sourceArn` of the one resource allowed to invoke.
 */
export class Triggers extends pulumi.ComponentResource {
  readonly apiUrl: pulumi.Output<string>;
  readonly api: aws.apigatewayv2.Api;
  /** Scheduler's own dead-letter queue: invocations it could not deliver (alarmed, never consumed). */
  readonly schedulerDeadLetters: aws.sqs.Queue;

  constructor(name: string, args: TriggersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:triggers:Triggers", name, {}, opts);

    // S3 → transform. Outputs go under other prefixes, so the function can never trigger itself.
    const s3Permission = new aws.lambda.Permission(
      `${name}-s3-invokes-transform`,
      {
        function: args.transform.name,
        action: "lambda:InvokeFunction",
        principal: "s3.amazonaws.com",
        sourceArn: args.bucket.arn,
        sourceAccount: args.accountId,
      },
      { parent: this },
    );
    new aws.s3.BucketNotification(
      `${name}-uploads-notification`,
      {
        bucket: args.bucket.id,
        lambdaFunctions: [
          {
            lambdaFunctionArn: args.transform.arn,
            events: ["s3:ObjectCreated:*"],
            filterPrefix: PREFIXES.uploads,
          },
        ],
      },
      // S3 tests the permission when the notification is saved.
      { parent: this, dependsOn: [s3Permission, ...args.bucketReady] },
    );

    // EventBridge Scheduler invokes through a role (no resource policy), limited to the two jobs.
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
    const scheduled = [
      {
        id: "orphan-cleanup",
        fn: args.orphanCleanup,
        expression: args.schedules.orphanCleanup,
        input: orphanCleanupScheduleInput(),
      },
      {
        id: "daily-stats",
        fn: args.dailyStats,
        expression: args.schedules.dailyStats,
        input: dailyStatsScheduleInput(),
      },
    ];
    // Scheduler's dead letters are its raw input plus error attributes, not Lambda invocation records, so
    // they get their own queue and alarm instead of landing where the alerts function parses records.
    this.schedulerDeadLetters = new aws.sqs.Queue(
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
            { Effect: "Allow", Action: "sqs:SendMessage", Resource: this.schedulerDeadLetters.arn },
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
            deadLetterConfig: { arn: this.schedulerDeadLetters.arn },
          },
        },
        { parent: this, dependsOn: [schedulerPolicy, ...args.schedulesAfter] },
      );
    }

    // HTTP API → upload. CORS is answered by API Gateway for the configured origins.
    this.api = new aws.apigatewayv2.Api(
      `${name}-upload-api`,
      {
        protocolType: "HTTP",
        description: "Lambda Lab upload API",
        corsConfiguration: {
          allowOrigins: args.corsAllowedOrigins,
          allowMethods: ["GET", "POST", "OPTIONS"],
          allowHeaders: ["authorization", "content-type"],
          exposeHeaders: ["location"],
          maxAge: 3600,
        },
      },
      { parent: this },
    );
    const integration = new aws.apigatewayv2.Integration(
      `${name}-upload-integration`,
      {
        apiId: this.api.id,
        integrationType: "AWS_PROXY",
        integrationUri: args.upload.arn,
        payloadFormatVersion: "2.0",
      },
      { parent: this },
    );
    for (const routeKey of ["POST /uploads", "GET /uploads/{id}"]) {
      new aws.apigatewayv2.Route(
        `${name}-route-${routeKey.split(" ")[0]?.toLowerCase()}`,
        { apiId: this.api.id, routeKey, target: pulumi.interpolate`integrations/${integration.id}` },
        { parent: this },
      );
    }
    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-upload-api-logs`,
      { retentionInDays: args.logRetentionDays },
      { parent: this },
    );
    const stage = new aws.apigatewayv2.Stage(
      `${name}-upload-stage`,
      {
        apiId: this.api.id,
        name: "$default",
        autoDeploy: true,
        accessLogSettings: {
          destinationArn: accessLogs.arn,
          format: JSON.stringify({
            requestId: "$context.requestId",
            routeKey: "$context.routeKey",
            status: "$context.status",
            integrationError: "$context.integrationErrorMessage",
            latency: "$context.responseLatency",
          }),
        },
        defaultRouteSettings: { throttlingBurstLimit: 50, throttlingRateLimit: 20 },
      },
      { parent: this },
    );
    new aws.lambda.Permission(
      `${name}-api-invokes-upload`,
      {
        function: args.upload.name,
        action: "lambda:InvokeFunction",
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${this.api.executionArn}/*/*`,
      },
      { parent: this },
    );
    this.apiUrl = stage.invokeUrl;

    // On-failure queues → alerts (which reads Lambda invocation records from SQS). The alerts function's
    // own queue is not consumed by it (a broken alerts function would loop); its depth alarm covers it.
    const consumed = [args.transform, args.orphanCleanup, args.dailyStats].flatMap((fn) =>
      fn.failureQueue ? [fn.failureQueue] : [],
    );
    if (consumed.length > 0) {
      const consumePolicy = new aws.iam.RolePolicy(
        `${name}-alerts-reads-failures`,
        {
          role: args.alerts.role.id,
          policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                Resource: consumed.map((q) => q.arn),
              },
            ],
          },
        },
        { parent: this },
      );
      consumed.forEach((queue, i) => {
        new aws.lambda.EventSourceMapping(
          `${name}-failures-to-alerts-${i}`,
          {
            eventSourceArn: queue.arn,
            functionName: args.alerts.arn,
            batchSize: 10,
            // Without a cap each queue polls with up to 5 batches at once, ignoring the reservation, and the
            // alerts function throttles itself.
            scalingConfig: { maximumConcurrency: ALERTS_QUEUE_MAX_CONCURRENCY },
          },
          { parent: this, dependsOn: [consumePolicy] },
        );
      });
    }
    this.registerOutputs({ apiUrl: this.apiUrl });
  }
}
