import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { ANYWHERE, networkRulesOf, type SecurityGroupId } from "../network-rules.js";
import { AVAILABILITY_ZONES, type SubnetTier, subnetSpecsOf } from "../stack-config/subnet-plan.js";
import type { InterfaceEndpointService } from "../stack-config.js";

export interface NetworkArgs {
  region: string;
  cidrBlock: string;
  natStrategy: "none" | "single" | "onePerAz";
  /** "shared": host and database share the private subnets; "split": the database gets an isolated tier. */
  subnetLayout: "shared" | "split";
  interfaceEndpoints: InterfaceEndpointService[];
  databasePort: number;
  webApp: { enabled: boolean; public: boolean };
  /** Pulumi `protect` on the VPC (a delete would take every subnet, ENI and endpoint with it). */
  protect: boolean;
}

const NAT: Record<NetworkArgs["natStrategy"], awsx.types.enums.ec2.NatGatewayStrategy> = {
  none: awsx.ec2.NatGatewayStrategy.None,
  single: awsx.ec2.NatGatewayStrategy.Single,
  onePerAz: awsx.ec2.NatGatewayStrategy.OnePerAz,
};

const ALL_TRAFFIC = "-1";

/**
 * The VPC over two AZs and the security groups that isolate its tiers, built from network-rules.ts (the
 * description the lab draws as well). Every ingress rule names a source group (SG-to-SG); the only world
 * ingress is HTTP/HTTPS to a public web-app host.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly databaseSubnetIds: pulumi.Output<string[]>;
  readonly webAppSubnetIds: pulumi.Output<string[]>;
  readonly functionsSecurityGroup: aws.ec2.SecurityGroup;
  readonly databaseSecurityGroup: aws.ec2.SecurityGroup;
  readonly efsSecurityGroup: aws.ec2.SecurityGroup;
  readonly webAppSecurityGroup: aws.ec2.SecurityGroup | undefined;
  readonly endpoints: aws.ec2.VpcEndpoint[];
  /**
   * What a VPC function needs before it can call AWS APIs: the interface endpoints, and the VPC component
   * itself, which completes only after its NAT gateways and routes.
   */
  readonly awsApisReady: pulumi.Resource[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:network:Network", name, {}, opts);

    // One plan for the subnets and for the stack config's CIDR bound (stack-config/subnet-plan.ts).
    const subnetSpecs: awsx.types.input.ec2.SubnetSpecArgs[] = subnetSpecsOf(args.subnetLayout).map(
      (spec) => ({
        type: awsx.ec2.SubnetType[spec.type],
        name: spec.tier,
        cidrMask: spec.cidrMask,
      }),
    );
    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.cidrBlock,
        numberOfAvailabilityZones: AVAILABILITY_ZONES,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
        subnetSpecs,
        natGateways: { strategy: NAT[args.natStrategy] },
        // Free gateway endpoint: VPC functions reach S3 without a NAT gateway; Auto adds the route tables.
        vpcEndpointStrategy: awsx.ec2.VpcEndpointStrategy.Auto,
        vpcEndpointSpecs: [{ serviceName: `com.amazonaws.${args.region}.s3`, vpcEndpointType: "Gateway" }],
      },
      { parent: this, protect: args.protect },
    );
    this.vpcId = vpc.vpcId;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;
    const subnetsOf = (tier: SubnetTier): pulumi.Output<string[]> =>
      tier === "public"
        ? vpc.publicSubnetIds
        : tier === "database"
          ? vpc.isolatedSubnetIds
          : vpc.privateSubnetIds;

    // Groups and rules from the one description the lab draws too (network-rules.ts).
    const rules = networkRulesOf(args);
    const groups = new Map<SecurityGroupId, aws.ec2.SecurityGroup>();
    for (const spec of rules.groups) {
      const sg = new aws.ec2.SecurityGroup(
        `${name}-${spec.resourceName}`,
        { vpcId: this.vpcId, description: spec.description },
        { parent: this },
      );
      groups.set(spec.id, sg);
      if (spec.egressAll)
        new aws.vpc.SecurityGroupEgressRule(
          `${name}-${spec.id}-egress`,
          { securityGroupId: sg.id, ipProtocol: ALL_TRAFFIC, cidrIpv4: ANYWHERE, description: "outbound" },
          { parent: this },
        );
    }
    const groupOf = (id: SecurityGroupId): aws.ec2.SecurityGroup => {
      const sg = groups.get(id);
      if (!sg)
        throw new Error(`${name}: a rule names the ${id} security group, which this stack does not have`);
      return sg;
    };
    for (const rule of rules.ingress) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${rule.id}`,
        {
          securityGroupId: groupOf(rule.target).id,
          ...("group" in rule.source
            ? { referencedSecurityGroupId: groupOf(rule.source.group).id }
            : { cidrIpv4: rule.source.cidr }),
          ipProtocol: rule.protocol,
          fromPort: rule.port,
          toPort: rule.port,
          description: rule.description,
        },
        { parent: this },
      );
    }
    this.functionsSecurityGroup = groupOf("functions");
    this.databaseSecurityGroup = groupOf("database");
    this.efsSecurityGroup = groupOf("efs");
    this.webAppSecurityGroup = groups.get("web-app");
    const tierOf = (id: SecurityGroupId) => rules.groups.find((g) => g.id === id)?.tier ?? "private";
    this.databaseSubnetIds = subnetsOf(tierOf("database"));
    this.webAppSubnetIds = subnetsOf(tierOf("web-app"));

    this.endpoints = [];
    if (args.interfaceEndpoints.length > 0) {
      const endpointSg = groupOf("endpoints");
      for (const service of args.interfaceEndpoints) {
        this.endpoints.push(
          new aws.ec2.VpcEndpoint(
            `${name}-${service}-endpoint`,
            {
              vpcId: this.vpcId,
              serviceName: `com.amazonaws.${args.region}.${service}`,
              vpcEndpointType: "Interface",
              privateDnsEnabled: true,
              subnetIds: subnetsOf(tierOf("endpoints")),
              securityGroupIds: [endpointSg.id],
            },
            { parent: this },
          ),
        );
      }
    }

    this.awsApisReady = [vpc, ...this.endpoints];
    this.registerOutputs({ vpcId: this.vpcId });
  }
}
