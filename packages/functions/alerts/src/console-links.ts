/** AWS console deep links. The region comes from an ARN in the event when there is one, else AWS_REGION. */
const base = (region: string, service: string) =>
  `https://${region}.console.aws.amazon.com/${service}/home?region=${region}`;

/** The CloudWatch console's fragment encoding: URI-encode, then write `%` as `$25`. */
const cloudWatchFragment = (value: string) => encodeURIComponent(value).replace(/%/g, "$25");

export const regionFromArn = (arn: string | null | undefined): string | undefined => {
  const region = arn?.split(":")[3];
  return region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? region : undefined;
};

/** Where a Slack card's links point: the AWS console in the cloud, the lab's page locally. */
export interface ConsoleLinks {
  alarm(region: string, alarmName: string): string;
  logGroup(region: string, logGroup: string): string;
  /** The function's log events filtered to one request id. */
  requestLogs(region: string, logGroup: string, requestId: string): string;
  lambdaFunction(region: string, functionName: string): string;
  rdsInstance(region: string, id: string): string;
  rdsCluster(region: string, id: string): string;
  ec2Instance(region: string, instanceId: string): string;
  sqsQueue(region: string, accountId: string, queueName: string): string;
}

export const consoleLinks: ConsoleLinks = {
  alarm: (region: string, alarmName: string) =>
    `${base(region, "cloudwatch")}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`,
  logGroup: (region: string, logGroup: string) =>
    `${base(region, "cloudwatch")}#logsV2:log-groups/log-group/${cloudWatchFragment(logGroup)}`,
  /** The function's log events filtered to one request id. */
  requestLogs: (region: string, logGroup: string, requestId: string) =>
    `${base(region, "cloudwatch")}#logsV2:log-groups/log-group/${cloudWatchFragment(logGroup)}/log-events` +
    `$3FfilterPattern$3D${cloudWatchFragment(`"${requestId}"`)}`,
  lambdaFunction: (region: string, functionName: string) =>
    `${base(region, "lambda")}#/functions/${encodeURIComponent(functionName)}`,
  rdsInstance: (region: string, id: string) =>
    `${base(region, "rds")}#database:id=${encodeURIComponent(id)};is-cluster=false`,
  rdsCluster: (region: string, id: string) =>
    `${base(region, "rds")}#database:id=${encodeURIComponent(id)};is-cluster=true`,
  ec2Instance: (region: string, instanceId: string) =>
    `${base(region, "ec2")}#InstanceDetails:instanceId=${encodeURIComponent(instanceId)}`,
  sqsQueue: (region: string, accountId: string, queueName: string) =>
    `https://${region}.console.aws.amazon.com/sqs/v3/home?region=${region}#/queues/${encodeURIComponent(
      `https://sqs.${region}.amazonaws.com/${accountId}/${queueName}`,
    )}`,
};

/**
 * The local lab's page as the console (`CONSOLE_BASE_URL`): an invocation opens at `#invocation=<id>`, an
 * alarm at `#alarm=<name>` (its trace); what the lab has no page for (RDS, EC2, SQS, log groups) opens the
 * panel that shows it.
 */
export const labConsoleLinks = (baseUrl: string): ConsoleLinks => {
  const at = (fragment: string) => `${baseUrl.replace(/#.*$/, "")}#${fragment}`;
  return {
    alarm: (_region, alarmName) => at(`alarm=${encodeURIComponent(alarmName)}`),
    requestLogs: (_region, _logGroup, requestId) => at(`invocation=${encodeURIComponent(requestId)}`),
    lambdaFunction: () => at("invocations"),
    sqsQueue: () => at("invocations"),
    logGroup: () => at("alerts"),
    rdsInstance: () => at("alerts"),
    rdsCluster: () => at("alerts"),
    ec2Instance: () => at("architecture"),
  };
};

/** The links a deployment uses: the AWS console unless CONSOLE_BASE_URL names another page. */
export const linksFor = (consoleBaseUrl: string | undefined): ConsoleLinks =>
  consoleBaseUrl ? labConsoleLinks(consoleBaseUrl) : consoleLinks;
