import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { AVAILABILITY_ZONES, subnetSpecsOf } from "../stack-config/subnet-plan.js";
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
const ANYWHERE = "0.0.0.0/0";

/**
 * The VPC over two AZs and the security groups that isolate its tiers. Every ingress rule names a source
 * group (SG-to-SG); the only world ingress is HTTP/HTTPS to a public web-app host.
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
    this.databaseSubnetIds = args.subnetLayout === "split" ? vpc.isolatedSubnetIds : vpc.privateSubnetIds;
    this.webAppSubnetIds = args.webApp.public ? vpc.publicSubnetIds : vpc.privateSubnetIds;

    const group = (id: string, description: string) =>
      new aws.ec2.SecurityGroup(`${name}-${id}`, { vpcId: this.vpcId, description }, { parent: this });
    const egressAll = (id: string, sg: aws.ec2.SecurityGroup) =>
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-${id}-egress`,
        { securityGroupId: sg.id, ipProtocol: ALL_TRAFFIC, cidrIpv4: ANYWHERE, description: "outbound" },
        { parent: this },
      );
    const allowFrom = (
      id: string,
      target: aws.ec2.SecurityGroup,
      source: aws.ec2.SecurityGroup,
      port: number,
    ) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${id}`,
        {
          securityGroupId: target.id,
          referencedSecurityGroupId: source.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description: id,
        },
        { parent: this },
      );

    this.functionsSecurityGroup = group("functions-sg", "Lambda functions in the VPC: no ingress");
    egressAll("functions", this.functionsSecurityGroup);
    this.databaseSecurityGroup = group(
      "database-sg",
      `Database: ${args.databasePort} from functions and web app`,
    );
    this.efsSecurityGroup = group("efs-sg", "EFS: NFS from the functions only");

    allowFrom(
      "database-from-functions",
      this.databaseSecurityGroup,
      this.functionsSecurityGroup,
      args.databasePort,
    );
    allowFrom("efs-from-functions", this.efsSecurityGroup, this.functionsSecurityGroup, 2049);

    if (args.webApp.enabled) {
      const web = group("web-app-sg", "Web-app host");
      this.webAppSecurityGroup = web;
      egressAll("web-app", web);
      allowFrom("database-from-web-app", this.databaseSecurityGroup, web, args.databasePort);
      if (args.webApp.public) {
        for (const port of [80, 443]) {
          new aws.vpc.SecurityGroupIngressRule(
            `${name}-web-app-world-${port}`,
            {
              securityGroupId: web.id,
              cidrIpv4: ANYWHERE,
              ipProtocol: "tcp",
              fromPort: port,
              toPort: port,
              description: `public ${port === 443 ? "HTTPS" : "HTTP"}`,
            },
            { parent: this },
          );
        }
      }
    }

    this.endpoints = [];
    if (args.interfaceEndpoints.length > 0) {
      const endpointSg = group("endpoints-sg", "Interface endpoints: HTTPS from the functions and web app");
      allowFrom("endpoints-from-functions", endpointSg, this.functionsSecurityGroup, 443);
      if (this.webAppSecurityGroup)
        allowFrom("endpoints-from-web-app", endpointSg, this.webAppSecurityGroup, 443);
      for (const service of args.interfaceEndpoints) {
        this.endpoints.push(
          new aws.ec2.VpcEndpoint(
            `${name}-${service}-endpoint`,
            {
              vpcId: this.vpcId,
              serviceName: `com.amazonaws.${args.region}.${service}`,
              vpcEndpointType: "Interface",
              privateDnsEnabled: true,
              subnetIds: this.privateSubnetIds,
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
