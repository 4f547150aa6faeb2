import { type ConsoleLinks, consoleLinks } from "./console-links.js";

export type MetricUnit = "percent" | "bytes" | "count";

/** What an alarm watches, in the words an admin would use, plus a link to the thing itself. */
export interface MetricFamily {
  title: string;
  unit: MetricUnit;
  resource?: { label: string; url: string };
}

type Dimensions = Readonly<Record<string, string>>;
interface Where {
  region: string;
  accountId: string;
  /** The AWS console unless the deployment names another page (CONSOLE_BASE_URL). */
  links?: ConsoleLinks;
}

const host = (d: Dimensions, { region, links = consoleLinks }: Where) =>
  d.InstanceId
    ? { label: `instance ${d.InstanceId}`, url: links.ec2Instance(region, d.InstanceId) }
    : undefined;
const database = (d: Dimensions, { region, links = consoleLinks }: Where) =>
  d.DBInstanceIdentifier
    ? {
        label: `database ${d.DBInstanceIdentifier}`,
        url: links.rdsInstance(region, d.DBInstanceIdentifier),
      }
    : d.DBClusterIdentifier
      ? {
          label: `cluster ${d.DBClusterIdentifier}`,
          url: links.rdsCluster(region, d.DBClusterIdentifier),
        }
      : undefined;
const fn = (d: Dimensions, { region, links = consoleLinks }: Where) =>
  d.FunctionName
    ? { label: `function ${d.FunctionName}`, url: links.lambdaFunction(region, d.FunctionName) }
    : undefined;
const queue = (d: Dimensions, { region, accountId, links = consoleLinks }: Where) =>
  d.QueueName
    ? { label: `queue ${d.QueueName}`, url: links.sqsQueue(region, accountId, d.QueueName) }
    : undefined;

interface Rule {
  namespace: string;
  metric: string;
  unit: MetricUnit;
  title: (d: Dimensions) => string;
  resource: (d: Dimensions, where: Where) => MetricFamily["resource"];
}

/** The alarm families the lab creates; anything else falls back to `Namespace MetricName`. */
const RULES: Rule[] = [
  {
    namespace: "AWS/EC2",
    metric: "CPUUtilization",
    unit: "percent",
    title: () => "Host CPU",
    resource: host,
  },
  {
    namespace: "CWAgent",
    metric: "mem_used_percent",
    unit: "percent",
    title: () => "Host memory",
    resource: host,
  },
  {
    namespace: "CWAgent",
    metric: "disk_used_percent",
    unit: "percent",
    title: (d) => `Host disk${d.path ? ` ${d.path}` : ""}`,
    resource: host,
  },
  {
    namespace: "AWS/RDS",
    metric: "CPUUtilization",
    unit: "percent",
    title: () => "Database CPU",
    resource: database,
  },
  {
    namespace: "AWS/RDS",
    metric: "FreeStorageSpace",
    unit: "bytes",
    title: () => "Database free storage",
    resource: database,
  },
  {
    namespace: "AWS/RDS",
    metric: "DatabaseConnections",
    unit: "count",
    title: () => "Database connections",
    resource: database,
  },
  {
    namespace: "AWS/Lambda",
    metric: "Errors",
    unit: "count",
    title: (d) => (d.FunctionName ? `Function errors: ${d.FunctionName}` : "Function errors (all functions)"),
    resource: fn,
  },
  {
    namespace: "AWS/Lambda",
    metric: "Throttles",
    unit: "count",
    title: (d) => `Function throttles (429)${d.FunctionName ? `: ${d.FunctionName}` : ", all functions"}`,
    resource: fn,
  },
  {
    namespace: "AWS/Lambda",
    metric: "ConcurrentExecutions",
    unit: "count",
    title: (d) =>
      d.FunctionName ? `Concurrent executions: ${d.FunctionName}` : "Account concurrent executions",
    resource: fn,
  },
  {
    namespace: "AWS/SQS",
    metric: "ApproximateNumberOfMessagesVisible",
    unit: "count",
    title: (d) => `Queue backlog${d.QueueName ? `: ${d.QueueName}` : ""}`,
    resource: queue,
  },
];

export const describeMetric = (
  namespace: string,
  metricName: string,
  dimensions: Dimensions,
  where: Where,
): MetricFamily => {
  const rule = RULES.find((r) => r.namespace === namespace && r.metric === metricName);
  if (!rule) {
    const unit: MetricUnit = /percent|utilization/i.test(metricName) ? "percent" : "count";
    return { title: `${namespace} ${metricName}`, unit };
  }
  const resource = rule.resource(dimensions, where);
  return { title: rule.title(dimensions), unit: rule.unit, ...(resource ? { resource } : {}) };
};

const number = (value: number, maxFractionDigits = 2) =>
  value.toLocaleString("en-US", { maximumFractionDigits: maxFractionDigits });

/** `80` % → "80%", 10737418240 bytes → "10 GiB", 1000 → "1,000". */
export const formatValue = (value: number, unit: MetricUnit): string => {
  if (unit === "percent") return `${number(value)}%`;
  if (unit === "bytes") {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let scaled = value;
    let index = 0;
    while (Math.abs(scaled) >= 1024 && index < units.length - 1) {
      scaled /= 1024;
      index++;
    }
    return `${number(scaled)} ${units[index]}`;
  }
  return number(value);
};
