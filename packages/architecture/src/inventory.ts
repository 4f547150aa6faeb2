/**
 * What a stack deploys, as data: the resources the Pulumi program registers for that stack, recorded by
 * infra's mock harness (no CLI, no AWS), plus the resources a remote component creates out of the mock's
 * sight. Cost and diagram read this, generically by resource type.
 */

// biome-ignore lint/suspicious/noExplicitAny: recorded inputs and state are arbitrary JSON, read by shape.
export type Json = any;

export interface InventoryResource {
  type: string;
  /** Pulumi's logical name. */
  name: string;
  urn: string;
  inputs: Record<string, Json>;
  state: Record<string, Json>;
  /** URN of the parent component ("" at the root). */
  parent: string;
  /** Set on resources a component creates out of the mock's sight: what implies them, and the rule. */
  impliedBy?: { name: string; rule: string };
}

export interface Inventory {
  stack: string;
  /** The stack file's aws:region: the region the prices are for. */
  region: string;
  resources: InventoryResource[];
}

/** The subset of infra's recorded resource the inventory reads (infra/test/harness.ts `Recorded`). */
export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, Json>;
  state: Record<string, Json>;
  parent: string;
}

export const T = {
  vpcComponent: "awsx:ec2:Vpc",
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  natGateway: "aws:ec2/natGateway:NatGateway",
  eip: "aws:ec2/eip:Eip",
  internetGateway: "aws:ec2/internetGateway:InternetGateway",
  vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  fn: "aws:lambda/function:Function",
  permission: "aws:lambda/permission:Permission",
  eventSourceMapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  eventInvokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  invocation: "aws:lambda/invocation:Invocation",
  provisionedConcurrency: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
  bucket: "aws:s3/bucket:Bucket",
  bucketNotification: "aws:s3/bucketNotification:BucketNotification",
  bucketLifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  rds: "aws:rds/instance:Instance",
  rdsSubnetGroup: "aws:rds/subnetGroup:SubnetGroup",
  efs: "aws:efs/fileSystem:FileSystem",
  efsMountTarget: "aws:efs/mountTarget:MountTarget",
  efsAccessPoint: "aws:efs/accessPoint:AccessPoint",
  schedule: "aws:scheduler/schedule:Schedule",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  logSubscription: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
  topic: "aws:sns/topic:Topic",
  topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
  queue: "aws:sqs/queue:Queue",
  api: "aws:apigatewayv2/api:Api",
  apiIntegration: "aws:apigatewayv2/integration:Integration",
  apiRoute: "aws:apigatewayv2/route:Route",
  apiStage: "aws:apigatewayv2/stage:Stage",
  instance: "aws:ec2/instance:Instance",
  kmsKey: "aws:kms/key:Key",
  secret: "aws:secretsmanager/secret:Secret",
  ssmParameter: "aws:ssm/parameter:Parameter",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  role: "aws:iam/role:Role",
} as const;

/**
 * awsx's Vpc is a remote component: under the mock its children (subnets, NAT gateways and their Elastic
 * IPs, the internet gateway, the gateway endpoints) are never registered. They follow from its inputs, as
 * @pulumi/awsx documents them (types/input.d.ts, ec2/vpc.d.ts): `natGateways.strategy` "Single" makes one
 * gateway, "OnePerAz" one per AZ ("the number of supplied values must match the chosen strategy (either
 * one, or the number of availability zones)"), each with an Elastic IP unless `elasticIpAllocationIds` are
 * given; left out, it "defaults to one gateway per availability zone" when there are public and private
 * subnets. `numberOfAvailabilityZones` "defaults to the first 3 AZs".
 */
export const expandAwsxVpc = (vpc: RecordedResource): InventoryResource[] => {
  const inputs = vpc.inputs;
  const azs: number = inputs.numberOfAvailabilityZones ?? 3;
  const specs: { type: string; name?: string }[] = inputs.subnetSpecs ?? [
    { type: "Private" },
    { type: "Public" },
  ];
  const hasPublic = specs.some((s) => s.type === "Public");
  const hasPrivate = specs.some((s) => s.type === "Private");
  const strategy: string = inputs.natGateways?.strategy ?? (hasPublic && hasPrivate ? "OnePerAz" : "None");
  const natCount = strategy === "Single" ? 1 : strategy === "OnePerAz" ? azs : 0;
  const ownEips = (inputs.natGateways?.elasticIpAllocationIds ?? []).length === 0;
  const implied = (rule: string) => ({ name: vpc.name, rule });
  const child = (
    type: string,
    name: string,
    inputsOf: Record<string, Json>,
    state: Record<string, Json>,
    rule: string,
  ): InventoryResource => ({
    type,
    name,
    urn: `${vpc.urn}$${type}::${name}`,
    inputs: inputsOf,
    state: { ...inputsOf, ...state },
    parent: vpc.urn,
    impliedBy: implied(rule),
  });

  const out: InventoryResource[] = [
    child(T.vpc, vpc.name, { cidrBlock: inputs.cidrBlock }, { id: vpc.state.vpcId }, "the VPC itself"),
  ];
  const idsOf: Record<string, string[]> = {
    Public: vpc.state.publicSubnetIds ?? [],
    Private: vpc.state.privateSubnetIds ?? [],
    Isolated: vpc.state.isolatedSubnetIds ?? [],
  };
  for (const spec of specs) {
    const ids = idsOf[spec.type] ?? [];
    for (let az = 0; az < azs; az++) {
      const id = ids[az] ?? `${vpc.name}-${(spec.name ?? spec.type).toLowerCase()}-${az + 1}`;
      out.push(
        child(
          T.subnet,
          `${vpc.name}-${spec.name ?? spec.type.toLowerCase()}-${az + 1}`,
          { vpcId: vpc.state.vpcId, tier: spec.type, availabilityZoneIndex: az },
          { id },
          `subnetSpecs: one ${spec.type} subnet per AZ`,
        ),
      );
    }
  }
  if (hasPublic)
    out.push(
      child(
        T.internetGateway,
        `${vpc.name}-igw`,
        { vpcId: vpc.state.vpcId },
        {},
        "public subnets route through one internet gateway",
      ),
    );
  for (let i = 0; i < natCount; i++) {
    const publicId = idsOf.Public?.[i];
    out.push(
      child(
        T.natGateway,
        `${vpc.name}-nat-${i + 1}`,
        { subnetId: publicId, connectivityType: "public" },
        {},
        `natGateways.strategy ${strategy}: ${natCount} gateway(s)`,
      ),
    );
    if (ownEips)
      out.push(
        child(
          T.eip,
          `${vpc.name}-eip-${i + 1}`,
          { domain: "vpc" },
          {},
          "an Elastic IP per NAT gateway (no elasticIpAllocationIds given)",
        ),
      );
  }
  for (const [i, spec] of ((inputs.vpcEndpointSpecs ?? []) as Json[]).entries()) {
    out.push(
      child(
        T.vpcEndpoint,
        `${vpc.name}-endpoint-${i + 1}`,
        {
          vpcId: vpc.state.vpcId,
          serviceName: spec.serviceName,
          vpcEndpointType: spec.vpcEndpointType ?? "Gateway",
          subnetIds: spec.subnetIds,
        },
        {},
        "vpcEndpointSpecs",
      ),
    );
  }
  return out;
};

/** The recorded resources as an inventory; components whose children the mock cannot see are expanded. */
export const toInventory = (stack: string, region: string, recorded: RecordedResource[]): Inventory => ({
  stack,
  region,
  resources: recorded.flatMap((r): InventoryResource[] => {
    const own: InventoryResource = {
      type: r.type,
      name: r.name,
      urn: r.urn,
      inputs: r.inputs,
      state: r.state,
      parent: r.parent,
    };
    return r.type === T.vpcComponent ? [own, ...expandAwsxVpc(r)] : [own];
  }),
});

export const ofType = (inventory: Inventory, type: string): InventoryResource[] =>
  inventory.resources.filter((r) => r.type === type);
