/**
 * What a stack costs per month with no traffic at all, line by line, from its inventory: every resource
 * the program creates is priced by its type and inputs (never from a hand-kept list of what the stack
 * "has"), and each line names the stack config keys that change it. Resources billed only when used are
 * listed at $0 with their rate, so the table also says what traffic would cost.
 */
import { StackConfigKeys } from "@lambda-lab/infra/stack-config";
import { type Inventory, type InventoryResource, ofType, T } from "./inventory.js";
import { money, unitUsd } from "./money.js";
import { type LambdaArchitecture, type Price, type PriceTable, priceOf } from "./prices.js";
import { runsPerMonth } from "./schedule-runs.js";

export interface CostLine {
  /** Stable across runs and config changes, for comparisons: "<kind>:<pulumi name>". */
  id: string;
  /** What is billed, in words, with the Pulumi name(s) it comes from. */
  resource: string;
  /** The Pulumi resource type(s) priced. */
  types: string[];
  quantity: number;
  unit: string;
  price: Price;
  /** quantity × price.usd × any multiplier; 0 when billed only on use. */
  monthlyUsd: number;
  /** What use adds, in words ("$0.048/GB processed"), when it is billed by use. */
  perUse?: string;
  /** Stack config keys (without `lambda-lab:`) that change this line. */
  configKeys: string[];
  note?: string;
}

export interface IdleCost {
  stack: string;
  region: string;
  pricesAsOf: string;
  lines: CostLine[];
  totalUsd: number;
  /** Resource types the model has no rule for: never silently $0. */
  unpriced: { type: string; names: string[] }[];
}

/** Types that never bill by themselves (configuration, wiring, identity), or are components. */
const FREE_TYPES = new Set<string>([
  T.vpc,
  T.subnet,
  T.internetGateway,
  T.securityGroup,
  T.ingress,
  T.egress,
  T.rdsSubnetGroup,
  "aws:rds/parameterGroup:ParameterGroup",
  T.efsMountTarget,
  T.efsAccessPoint,
  T.permission,
  T.eventSourceMapping,
  T.eventInvokeConfig,
  T.bucketNotification,
  T.bucketLifecycle,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
  "aws:s3/bucketVersioning:BucketVersioning",
  T.role,
  T.rolePolicy,
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/instanceProfile:InstanceProfile",
  "aws:iam/policy:Policy",
  T.apiIntegration,
  T.apiRoute,
  T.apiStage,
  T.topicSubscription,
  T.logSubscription,
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/route:Route",
  "aws:efs/fileSystemPolicy:FileSystemPolicy",
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:sqs/queuePolicy:QueuePolicy",
  "aws:kms/alias:Alias",
  "aws:lambda/functionUrl:FunctionUrl",
]);

/** Types priced below. */
const PRICED_TYPES = new Set<string>([
  T.natGateway,
  T.eip,
  T.vpcEndpoint,
  T.rds,
  T.instance,
  T.alarm,
  T.kmsKey,
  T.secret,
  T.fn,
  T.schedule,
  T.bucket,
  T.logGroup,
  T.efs,
  T.api,
  T.queue,
  T.topic,
  T.ssmParameter,
  // The deploy-time migration invoke: one Lambda invocation per `pulumi up`, not a monthly cost.
  T.invocation,
]);

const isComponent = (type: string) => !type.startsWith("aws:");

const camel = (id: string) => id.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const KNOWN_KEYS = new Set(Object.keys(StackConfigKeys.shape));
/** Only keys the stack schema declares; a renamed key drops out rather than being named wrongly. */
const keys = (...candidates: string[]) => candidates.filter((k) => KNOWN_KEYS.has(k));

const rate = (price: Price) => `${unitUsd(price.usd)}/${price.per}`;

/** `lambda-lab-dev-daily-stats` → `daily-stats`: the function id the stack keys are named after. */
const functionIdOf = (fn: InventoryResource, stack: string): string => {
  const name: string = fn.inputs.name ?? fn.name;
  const prefix = `lambda-lab-${stack}-`;
  return name.startsWith(prefix) ? name.slice(prefix.length) : fn.name;
};

const line = (l: CostLine): CostLine => l;

/** Registration order follows output resolution; tables and comparisons need a stable one. */
const byName = <R extends { name: string }>(list: R[]): R[] =>
  [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/** One line per NAT gateway, its public IPv4, and every interface endpoint AZ. */
const networkLines = (inv: Inventory, prices: PriceTable): CostLine[] => {
  const h = prices.hoursPerMonth;
  const out: CostLine[] = [];
  for (const nat of byName(ofType(inv, T.natGateway))) {
    out.push(
      line({
        id: `nat-gateway:${nat.name}`,
        resource: `NAT gateway ${nat.name}${nat.impliedBy ? ` (of ${nat.impliedBy.name})` : ""}`,
        types: [T.natGateway],
        quantity: h,
        unit: "hours",
        price: prices.natGateway.hour,
        monthlyUsd: h * prices.natGateway.hour.usd,
        perUse: `${rate(prices.natGateway.gbProcessed)}`,
        configKeys: keys("natStrategy"),
      }),
    );
  }
  const eips = byName(ofType(inv, T.eip));
  if (eips.length > 0)
    out.push(
      line({
        id: "public-ipv4:nat",
        resource: `Public IPv4 of ${eips.length} Elastic IP(s): ${eips.map((e) => e.name).join(", ")}`,
        types: [T.eip],
        quantity: eips.length * h,
        unit: "address-hours",
        price: prices.publicIpv4Hour,
        monthlyUsd: eips.length * h * prices.publicIpv4Hour.usd,
        configKeys: keys("natStrategy"),
      }),
    );
  for (const ep of byName(ofType(inv, T.vpcEndpoint))) {
    const service =
      String(ep.inputs.serviceName ?? "")
        .split(".")
        .at(-1) ?? "";
    if ((ep.inputs.vpcEndpointType ?? "Gateway") !== "Interface") continue; // gateway endpoints are free
    const azs = Array.isArray(ep.inputs.subnetIds) ? ep.inputs.subnetIds.length : 1;
    out.push(
      line({
        id: `interface-endpoint:${service}`,
        resource: `Interface endpoint ${service} in ${azs} AZ(s) (${ep.name})`,
        types: [T.vpcEndpoint],
        quantity: azs * h,
        unit: "endpoint-AZ-hours",
        price: prices.interfaceEndpoint.hourPerAz,
        monthlyUsd: azs * h * prices.interfaceEndpoint.hourPerAz.usd,
        perUse: rate(prices.interfaceEndpoint.gbProcessed),
        configKeys: keys("interfaceEndpoints"),
      }),
    );
  }
  return out;
};

const databaseLines = (inv: Inventory, prices: PriceTable): CostLine[] => {
  const h = prices.hoursPerMonth;
  return byName(ofType(inv, T.rds)).flatMap((db): CostLine[] => {
    const i = db.inputs;
    const az = i.multiAz ? prices.rds.multiAzFactor.usd : 1;
    const azText = i.multiAz ? "Multi-AZ (primary + standby)" : "Single-AZ";
    const classPrice = priceOf(prices.rds.instanceHour, i.instanceClass, "RDS instance class", inv.region);
    const storageGb: number = i.allocatedStorage ?? 20;
    const storageType: string = i.storageType ?? "gp2";
    if (storageType !== "gp3")
      throw new Error(`${db.name}: storage type ${storageType} has no price here (only gp3)`);
    const out: CostLine[] = [
      {
        id: `rds-instance:${db.name}`,
        resource: `RDS ${i.engine} ${i.instanceClass}, ${azText} (${db.name})`,
        types: [T.rds],
        quantity: h * az,
        unit: "instance-hours",
        price: classPrice,
        monthlyUsd: h * az * classPrice.usd,
        configKeys: keys("databaseInstanceClass", "databaseMultiAz"),
      },
      {
        id: `rds-storage:${db.name}`,
        resource: `RDS gp3 storage ${storageGb} GiB${i.multiAz ? " × 2 (standby)" : ""} (${db.name})`,
        types: [T.rds],
        quantity: storageGb * az,
        unit: "GB-months",
        price: prices.rds.gp3GbMonth,
        monthlyUsd: storageGb * az * prices.rds.gp3GbMonth.usd,
        ...(i.maxAllocatedStorage
          ? {
              perUse: `autoscaling up to ${i.maxAllocatedStorage} GiB: up to ${money(i.maxAllocatedStorage * az * prices.rds.gp3GbMonth.usd)}`,
            }
          : {}),
        configKeys: keys("databaseAllocatedStorageGb", "databaseMaxAllocatedStorageGb", "databaseMultiAz"),
        note: `backups up to the database's size are free; beyond: ${rate(prices.rds.backupGbMonthBeyondFree)}`,
      },
    ];
    if (i.manageMasterUserPassword)
      out.push({
        id: `rds-secret:${db.name}`,
        resource: `Secrets Manager secret of the RDS-managed password (${db.name})`,
        types: [T.rds],
        quantity: 1,
        unit: "secrets",
        price: prices.secretsManager.secretMonth,
        monthlyUsd: prices.secretsManager.secretMonth.usd,
        perUse: rate(prices.secretsManager.perTenThousandCalls),
        configKeys: [],
      });
    return out;
  });
};

const hostLines = (inv: Inventory, prices: PriceTable): CostLine[] => {
  const h = prices.hoursPerMonth;
  return byName(ofType(inv, T.instance)).flatMap((host): CostLine[] => {
    const i = host.inputs;
    const typePrice = priceOf(prices.ec2.instanceHour, i.instanceType, "EC2 instance type", inv.region);
    const volumeGb: number = i.rootBlockDevice?.volumeSize ?? 8;
    const out: CostLine[] = [
      {
        id: `ec2-instance:${host.name}`,
        resource: `EC2 ${i.instanceType} host (${host.name})`,
        types: [T.instance],
        quantity: h,
        unit: "instance-hours",
        price: typePrice,
        monthlyUsd: h * typePrice.usd,
        configKeys: keys("webAppEnabled", "webAppInstanceType"),
      },
      {
        id: `ec2-volume:${host.name}`,
        resource: `EBS ${i.rootBlockDevice?.volumeType ?? "gp3"} root volume ${volumeGb} GiB (${host.name})`,
        types: [T.instance],
        quantity: volumeGb,
        unit: "GB-months",
        price: prices.ec2.gp3GbMonth,
        monthlyUsd: volumeGb * prices.ec2.gp3GbMonth.usd,
        configKeys: keys("webAppEnabled"),
      },
    ];
    if (i.associatePublicIpAddress)
      out.push({
        id: `public-ipv4:${host.name}`,
        resource: `Public IPv4 of ${host.name}`,
        types: [T.instance],
        quantity: h,
        unit: "address-hours",
        price: prices.publicIpv4Hour,
        monthlyUsd: h * prices.publicIpv4Hour.usd,
        configKeys: keys("webAppPublic"),
      });
    return out;
  });
};

const monitoringLines = (inv: Inventory, prices: PriceTable): CostLine[] => {
  const out: CostLine[] = [];
  const alarms = ofType(inv, T.alarm);
  if (alarms.length > 0) {
    const hostAlarms = alarms.filter((a) => ["AWS/EC2", "CWAgent"].includes(a.inputs.namespace)).length;
    out.push({
      id: "cloudwatch-alarms",
      resource: `CloudWatch alarms ×${alarms.length}${hostAlarms ? ` (${hostAlarms} on the web-app host)` : ""}`,
      types: [T.alarm],
      quantity: alarms.length,
      unit: "alarm-months",
      price: prices.cloudwatch.alarmMonth,
      monthlyUsd: alarms.length * prices.cloudwatch.alarmMonth.usd,
      configKeys: keys("webAppEnabled"),
      note: "the host alarms come with webAppEnabled; the first 10 alarms of an account are in the free tier",
    });
  }
  const logGroups = ofType(inv, T.logGroup);
  if (logGroups.length > 0) {
    const retention = [...new Set(logGroups.map((g) => g.inputs.retentionInDays))].join("/");
    out.push({
      id: "log-groups",
      resource: `CloudWatch log groups ×${logGroups.length}, kept ${retention} days`,
      types: [T.logGroup],
      quantity: logGroups.length,
      unit: "log groups",
      price: prices.cloudwatch.logsIngestedGb,
      monthlyUsd: 0,
      perUse: `${rate(prices.cloudwatch.logsIngestedGb)}, then ${rate(prices.cloudwatch.logsStoredGbMonth)} for ${retention} days`,
      configKeys: keys("logRetentionDays"),
    });
  }
  for (const key of byName(ofType(inv, T.kmsKey)))
    out.push({
      id: `kms-key:${key.name}`,
      resource: `KMS customer managed key (${key.name})`,
      types: [T.kmsKey],
      quantity: 1,
      unit: "keys",
      price: prices.kms.keyMonth,
      monthlyUsd: prices.kms.keyMonth.usd,
      configKeys: [],
    });
  for (const secret of byName(ofType(inv, T.secret)))
    out.push({
      id: `secret:${secret.name}`,
      resource: `Secrets Manager secret (${secret.name})`,
      types: [T.secret],
      quantity: 1,
      unit: "secrets",
      price: prices.secretsManager.secretMonth,
      monthlyUsd: prices.secretsManager.secretMonth.usd,
      perUse: rate(prices.secretsManager.perTenThousandCalls),
      configKeys: [],
    });
  return out;
};

/** A million invocations of 100 ms: a concrete "then per use" for a function's memory and architecture. */
const perMillion = (memoryMb: number, arch: LambdaArchitecture, prices: PriceTable) =>
  prices.lambda.requestPerMillion.usd +
  1_000_000 * 0.1 * (memoryMb / 1024) * prices.lambda.gbSecond[arch].usd;

const computeLines = (inv: Inventory, prices: PriceTable): CostLine[] => {
  const out: CostLine[] = [];
  for (const fn of byName(ofType(inv, T.fn))) {
    const id = functionIdOf(fn, inv.stack);
    const arch: LambdaArchitecture = fn.inputs.architectures?.[0] === "x86_64" ? "x86_64" : "arm64";
    const memoryMb: number = fn.inputs.memorySize ?? 128;
    out.push({
      id: `lambda:${fn.name}`,
      resource: `Lambda ${id} (${memoryMb} MB, ${arch})`,
      types: [T.fn],
      quantity: 1,
      unit: "functions",
      price: prices.lambda.gbSecond[arch],
      monthlyUsd: 0,
      perUse: `${money(perMillion(memoryMb, arch, prices))} per 1M invocations of 100 ms`,
      configKeys: keys("architecture", `${camel(id)}MemoryMb`),
    });
  }
  for (const schedule of byName(ofType(inv, T.schedule))) {
    const expression: string = schedule.inputs.scheduleExpression;
    const runs = runsPerMonth(expression);
    const target = inv.resources.find((r) => r.type === T.fn && r.state.arn === schedule.inputs.target?.arn);
    const id = target ? functionIdOf(target, inv.stack) : schedule.name;
    out.push({
      id: `schedule:${schedule.name}`,
      resource: `EventBridge Scheduler ${expression} → ${id}`,
      types: [T.schedule],
      quantity: runs,
      unit: "invocations",
      price: prices.scheduler.invocationsPerMillion,
      monthlyUsd: (runs / 1_000_000) * prices.scheduler.invocationsPerMillion.usd,
      configKeys: keys(`${camel(id)}Schedule`),
      note: `each run is also a Lambda invocation of ${id}; the first 14M scheduler invocations a month are free`,
    });
  }
  return out;
};

const storageLines = (inv: Inventory, prices: PriceTable): CostLine[] => {
  const out: CostLine[] = [];
  for (const bucket of byName(ofType(inv, T.bucket)))
    out.push({
      id: `s3-bucket:${bucket.name}`,
      resource: `S3 bucket ${bucket.name}`,
      types: [T.bucket],
      quantity: 0,
      unit: "GB stored",
      price: prices.s3.storageGbMonth,
      monthlyUsd: 0,
      perUse: `${rate(prices.s3.storageGbMonth)}, ${rate(prices.s3.putPerThousand)}, ${rate(prices.s3.getPerThousand)}`,
      configKeys: [],
    });
  for (const fs of byName(ofType(inv, T.efs)))
    out.push({
      id: `efs:${fs.name}`,
      resource: `EFS file system ${fs.name} (${fs.inputs.throughputMode ?? "bursting"} throughput)`,
      types: [T.efs],
      quantity: 0,
      unit: "GB stored",
      price: prices.efs.standardGbMonth,
      monthlyUsd: 0,
      perUse: `${rate(prices.efs.standardGbMonth)}; ${rate(prices.efs.infrequentAccessGbMonth)} once in IA`,
      configKeys: [],
    });
  const usage = (type: string, id: string, label: string, price: Price) => {
    const found = byName(ofType(inv, type));
    if (found.length > 0)
      out.push({
        id,
        resource: `${label} ×${found.length}: ${found.map((r) => r.name).join(", ")}`,
        types: [type],
        quantity: found.length,
        unit: label,
        price,
        monthlyUsd: 0,
        perUse: rate(price),
        configKeys: [],
      });
  };
  usage(T.api, "api-gateway", "HTTP APIs", prices.apiGatewayHttp.requestsPerMillion);
  usage(T.queue, "sqs-queues", "SQS queues", prices.sqs.requestsPerMillion);
  usage(T.topic, "sns-topics", "SNS topics", prices.sns.requestsPerMillion);
  return out;
};

const unpricedOf = (inv: Inventory) => {
  const byType = new Map<string, string[]>();
  for (const r of inv.resources) {
    if (isComponent(r.type) || FREE_TYPES.has(r.type) || PRICED_TYPES.has(r.type)) continue;
    byType.set(r.type, [...(byType.get(r.type) ?? []), r.name]);
  }
  return [...byType].sort(([a], [b]) => a.localeCompare(b)).map(([type, names]) => ({ type, names }));
};

/** SSM SecureString parameters (Standard tier) with the account's aws/ssm key cost nothing at rest. */
const advancedParameters = (inv: Inventory) =>
  ofType(inv, T.ssmParameter).filter((p: InventoryResource) => (p.inputs.tier ?? "Standard") !== "Standard");

export const idleCost = (inv: Inventory, prices: PriceTable): IdleCost => {
  if (prices.region !== inv.region)
    throw new Error(`stack "${inv.stack}" is in ${inv.region}, the price table is for ${prices.region}`);
  const advanced = advancedParameters(inv);
  if (advanced.length > 0)
    throw new Error(`${advanced.map((p) => p.name).join(", ")}: Advanced SSM parameters have no price here`);
  const lines = [
    ...networkLines(inv, prices),
    ...databaseLines(inv, prices),
    ...hostLines(inv, prices),
    ...monitoringLines(inv, prices),
    ...computeLines(inv, prices),
    ...storageLines(inv, prices),
  ];
  return {
    stack: inv.stack,
    region: inv.region,
    pricesAsOf: prices.asOf,
    lines,
    totalUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
    unpriced: unpricedOf(inv),
  };
};
