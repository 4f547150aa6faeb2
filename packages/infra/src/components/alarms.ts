import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_CONCURRENCY_ALARM, ALARM_PERIOD_SECONDS } from "../emulated.js";
import type { FunctionId, StackConfig } from "../stack-config.js";
import type { NodeFunction } from "./node-function.js";

export interface AlarmsArgs {
  region: string;
  accountId: pulumi.Input<string>;
  config: Pick<StackConfig, "alarms" | "concurrency" | "database" | "alerts" | "protect">;
  alerts: NodeFunction;
  functions: Record<FunctionId, NodeFunction>;
  database: { identifier: string; slowLogGroup: aws.cloudwatch.LogGroup; allocatedStorageGb: number };
  webAppInstanceId: pulumi.Output<string> | undefined;
  /** EventBridge Scheduler's dead-letter queue: a schedule that could not invoke its function. */
  schedulerDeadLetters: aws.sqs.Queue;
}

/** The slow-statement lines of each engine: PostgreSQL's `duration: … ms  statement:`, MySQL's slow log. */
export const SLOW_QUERY_FILTER = { postgres: '"duration:"', mysql: '"Query_time"' } as const;

/**
 * The topic key's policy. The account statement is KMS's default (IAM policies decide who else may use or
 * administer the key: a person publishing a test alarm needs kms:GenerateDataKey* on it). CloudWatch alarms
 * publish to an encrypted topic only if the key policy lets cloudwatch.amazonaws.com use the key; AWS's
 * documented statement has no conditions ("Enable compatibility between event sources from AWS services and
 * encrypted topics": https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html), and the topic
 * policy (owner account only) already decides who may publish. AWS-managed aws/sns cannot be used here: its
 * policy cannot be changed to admit CloudWatch. SNS decrypts for its own deliveries (Lambda, e-mail).
 */
export const topicKeyPolicy = (accountId: string) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "AccountManagesTheKeyThroughIam",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "CloudWatchAlarmsPublishToTheEncryptedTopic",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
    },
  ],
});

/**
 * Every alarm publishes to one SNS topic, which invokes the alerts function (and e-mails, when set).
 * The database's slow-statement log group streams to alerts through a subscription filter.
 */
export class Alarms extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly topicKey: aws.kms.Key;
  readonly alarms: aws.cloudwatch.MetricAlarm[] = [];

  constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:alarms:Alarms", name, {}, opts);
    const { config } = args;

    // Alarm messages name resources and carry log excerpts: encrypted at rest, with a key CloudWatch may use.
    this.topicKey = new aws.kms.Key(
      `${name}-topic-key`,
      {
        description: "Encrypts the Lambda Lab alerts topic (CloudWatch alarms publish with it)",
        enableKeyRotation: true,
        // A scheduled deletion can be cancelled in this window; prod keeps the longest.
        deletionWindowInDays: config.protect ? 30 : 7,
        policy: pulumi.output(args.accountId).apply((id) => JSON.stringify(topicKeyPolicy(id))),
      },
      { parent: this },
    );
    this.topic = new aws.sns.Topic(
      `${name}-topic`,
      { displayName: "Lambda Lab alerts", kmsMasterKeyId: this.topicKey.arn },
      { parent: this },
    );
    const snsPermission = new aws.lambda.Permission(
      `${name}-sns-invokes-alerts`,
      {
        function: args.alerts.name,
        action: "lambda:InvokeFunction",
        principal: "sns.amazonaws.com",
        sourceArn: this.topic.arn,
      },
      { parent: this },
    );
    new aws.sns.TopicSubscription(
      `${name}-alerts-subscription`,
      { topic: this.topic.arn, protocol: "lambda", endpoint: args.alerts.arn },
      { parent: this, dependsOn: [snsPermission] },
    );
    if (config.alerts.email) {
      new aws.sns.TopicSubscription(
        `${name}-email-subscription`,
        { topic: this.topic.arn, protocol: "email", endpoint: config.alerts.email },
        { parent: this },
      );
    }

    const alarm = (
      id: string,
      a: {
        description: string;
        namespace: string;
        metricName: string;
        dimensions?: Record<string, pulumi.Input<string>>;
        statistic: "Average" | "Sum" | "Maximum" | "Minimum";
        comparison: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
        threshold: number;
        periods?: number;
        period?: number;
      },
    ) => {
      const resource = new aws.cloudwatch.MetricAlarm(
        `${name}-${id}`,
        {
          alarmDescription: a.description,
          namespace: a.namespace,
          metricName: a.metricName,
          dimensions: a.dimensions,
          statistic: a.statistic,
          comparisonOperator: a.comparison,
          threshold: a.threshold,
          period: a.period ?? ALARM_PERIOD_SECONDS,
          evaluationPeriods: a.periods ?? 1,
          treatMissingData: "notBreaching",
          alarmActions: [this.topic.arn],
          okActions: [this.topic.arn],
        },
        { parent: this },
      );
      this.alarms.push(resource);
      return resource;
    };

    const db = { DBInstanceIdentifier: args.database.identifier };
    alarm("db-cpu", {
      description: `RDS CPU above ${config.alarms.databaseCpuPercent}% for 15 minutes`,
      namespace: "AWS/RDS",
      metricName: "CPUUtilization",
      dimensions: db,
      statistic: "Average",
      comparison: "GreaterThanThreshold",
      threshold: config.alarms.databaseCpuPercent,
      periods: 3,
    });
    alarm("db-free-storage", {
      description: `RDS free storage below ${config.alarms.databaseFreeStorageGb} GiB`,
      namespace: "AWS/RDS",
      metricName: "FreeStorageSpace",
      dimensions: db,
      statistic: "Minimum",
      comparison: "LessThanThreshold",
      threshold: config.alarms.databaseFreeStorageGb * 1024 ** 3,
    });
    alarm("db-connections", {
      description: `RDS connections above ${config.alarms.databaseConnections}`,
      namespace: "AWS/RDS",
      metricName: "DatabaseConnections",
      dimensions: db,
      statistic: "Maximum",
      comparison: "GreaterThanThreshold",
      threshold: config.alarms.databaseConnections,
    });

    for (const [id, fn] of Object.entries(args.functions)) {
      const dims = { FunctionName: fn.name };
      alarm(`${id}-errors`, {
        description: `${id} reported errors`,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: dims,
        statistic: "Sum",
        comparison: "GreaterThanThreshold",
        threshold: 0,
      });
      alarm(`${id}-throttles`, {
        description: `${id} was throttled (reserved concurrency or account limit reached)`,
        namespace: "AWS/Lambda",
        metricName: "Throttles",
        dimensions: dims,
        statistic: "Sum",
        comparison: "GreaterThanThreshold",
        threshold: 0,
      });
      if (fn.failureQueue) {
        alarm(`${id}-failures-depth`, {
          description: `${id}: failed async invocations are waiting in its on-failure queue`,
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: fn.failureQueue.name },
          statistic: "Maximum",
          comparison: "GreaterThanOrEqualToThreshold",
          threshold: config.alarms.queueDepth,
        });
      }
    }

    alarm("scheduler-dead-letters", {
      description: "EventBridge Scheduler could not invoke a batch function (dead letters in its queue)",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: args.schedulerDeadLetters.name },
      statistic: "Maximum",
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: config.alarms.queueDepth,
    });

    const concurrencyThreshold = Math.floor(
      (config.concurrency.accountLimit * config.concurrency.alarmPercent) / 100,
    );
    alarm("account-concurrency", {
      description: `Account concurrent executions above ${concurrencyThreshold} (${config.concurrency.alarmPercent}% of ${config.concurrency.accountLimit})`,
      namespace: "AWS/Lambda",
      metricName: "ConcurrentExecutions",
      statistic: "Maximum",
      comparison: "GreaterThanThreshold",
      threshold: concurrencyThreshold,
      period: ACCOUNT_CONCURRENCY_ALARM.periodSeconds,
      periods: ACCOUNT_CONCURRENCY_ALARM.evaluationPeriods,
    });

    if (args.webAppInstanceId) {
      const host = { InstanceId: args.webAppInstanceId };
      alarm("host-cpu", {
        description: "Web-app host CPU above 80% for 15 minutes",
        namespace: "AWS/EC2",
        metricName: "CPUUtilization",
        dimensions: host,
        statistic: "Average",
        comparison: "GreaterThanThreshold",
        threshold: 80,
        periods: 3,
      });
      alarm("host-memory", {
        description: "Web-app host memory above 90% (CloudWatch agent)",
        namespace: "CWAgent",
        metricName: "mem_used_percent",
        dimensions: host,
        statistic: "Average",
        comparison: "GreaterThanThreshold",
        threshold: 90,
        periods: 3,
      });
    }

    // Slow statements → alerts, straight from the RDS log group.
    const logsPermission = new aws.lambda.Permission(
      `${name}-logs-invoke-alerts`,
      {
        function: args.alerts.name,
        action: "lambda:InvokeFunction",
        principal: `logs.${args.region}.amazonaws.com`,
        sourceArn: pulumi.interpolate`${args.database.slowLogGroup.arn}:*`,
        sourceAccount: args.accountId,
      },
      { parent: this },
    );
    new aws.cloudwatch.LogSubscriptionFilter(
      `${name}-slow-queries`,
      {
        logGroup: args.database.slowLogGroup.name,
        filterPattern: SLOW_QUERY_FILTER[config.database.engine],
        destinationArn: args.alerts.arn,
      },
      { parent: this, dependsOn: [logsPermission] },
    );

    this.registerOutputs({ topicArn: this.topic.arn });
  }
}
