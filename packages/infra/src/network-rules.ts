/**
 * Who may reach whom inside the VPC, and which subnet tier each thing sits in: the one description the
 * network component builds its security groups, rules and placements from (components/network.ts), and the
 * lab draws the subnets-versus-security-groups lesson from (`@lambda-lab/infra/network-rules`). Pure: no
 * Pulumi import, so the lab does not load the SDK.
 *
 * Every ingress rule names a source security group (SG-to-SG) except HTTP/HTTPS to a public web-app host.
 * A rule that references a group admits traffic from the network interfaces that wear that group, wherever
 * they sit; sharing a subnet grants nothing (VPC user guide, "Security group rules": "When you specify a
 * security group as the source … this allows traffic from the network interfaces … associated with the
 * source security group"; https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
 */
import { type SubnetLayout, type SubnetTier, subnetSpecsOf } from "./stack-config/subnet-plan.js";

// The subnet plan the program places (awsx's arithmetic), for whoever draws the rules on their subnets.
export {
  AVAILABILITY_ZONES,
  type PlannedSubnet,
  planSubnets,
  type SubnetLayout,
  type SubnetTier,
} from "./stack-config/subnet-plan.js";

/** One security group per thing that has network interfaces in the VPC; the group's id is that thing's. */
export type SecurityGroupId = "functions" | "database" | "efs" | "web-app" | "endpoints";

export interface SecurityGroupSpec {
  id: SecurityGroupId;
  /** The resource name's suffix after the component's name (`network-<id>-sg`). */
  resourceName: `${SecurityGroupId}-sg`;
  /** EC2's GroupDescription. Changing it replaces the group, so it is stated once, here. */
  description: string;
  /** What wears the group, for a reader. */
  wornBy: string;
  /** The subnet tier its network interfaces are placed in. */
  tier: SubnetTier;
  /** All outbound traffic allowed (the group's only egress rule); false: no egress rule at all. */
  egressAll: boolean;
}

export type IngressSource = { group: SecurityGroupId } | { cidr: string };

export interface IngressRule {
  /** The rule's resource name after the component's name (`network-<id>`). */
  id: string;
  /** The group the rule is on: traffic into the interfaces that wear it. */
  target: SecurityGroupId;
  source: IngressSource;
  protocol: "tcp";
  port: number;
  description: string;
}

export interface NetworkRulesInput {
  subnetLayout: SubnetLayout;
  databasePort: number;
  webApp: { enabled: boolean; public: boolean };
  interfaceEndpoints: readonly string[];
}

export interface NetworkRules {
  groups: SecurityGroupSpec[];
  ingress: IngressRule[];
}

/** NFS, the only port EFS mount targets listen on. */
export const NFS_PORT = 2049;
/** Interface endpoints answer AWS API calls over HTTPS. */
export const HTTPS_PORT = 443;
export const ANYWHERE = "0.0.0.0/0";

/** The tier the database is placed in: the isolated tier when the layout has one, else the private subnets. */
export const databaseTierOf = (layout: SubnetLayout): SubnetTier =>
  subnetSpecsOf(layout).some((s) => s.tier === "database") ? "database" : "private";

/** The stack's security groups, their rules and each one's tier. */
export const networkRulesOf = (input: NetworkRulesInput): NetworkRules => {
  const { databasePort, webApp } = input;
  const withWebApp = webApp.enabled;
  const withEndpoints = input.interfaceEndpoints.length > 0;
  const groups: SecurityGroupSpec[] = [
    {
      id: "functions",
      resourceName: "functions-sg",
      description: "Lambda functions in the VPC: no ingress",
      wornBy: "the VPC functions' network interfaces (Hyperplane ENIs)",
      tier: "private",
      egressAll: true,
    },
    {
      id: "database",
      resourceName: "database-sg",
      description: `Database: ${databasePort} from functions and web app`,
      wornBy: "the RDS instance",
      tier: databaseTierOf(input.subnetLayout),
      egressAll: false,
    },
    {
      id: "efs",
      resourceName: "efs-sg",
      description: "EFS: NFS from the functions only",
      wornBy: "the EFS mount targets (one per AZ)",
      tier: "private",
      egressAll: false,
    },
    ...(withWebApp
      ? [
          {
            id: "web-app",
            resourceName: "web-app-sg",
            description: "Web-app host",
            wornBy: "the web-app EC2 host",
            tier: webApp.public ? "public" : "private",
            egressAll: true,
          } satisfies SecurityGroupSpec,
        ]
      : []),
    ...(withEndpoints
      ? [
          {
            id: "endpoints",
            resourceName: "endpoints-sg",
            description: "Interface endpoints: HTTPS from the functions and web app",
            wornBy: `the interface endpoints' ENIs (${input.interfaceEndpoints.join(", ")})`,
            tier: "private",
            egressAll: false,
          } satisfies SecurityGroupSpec,
        ]
      : []),
  ];
  const from = (target: SecurityGroupId, source: SecurityGroupId, port: number): IngressRule => {
    const id = `${target}-from-${source}`;
    return { id, target, source: { group: source }, protocol: "tcp", port, description: id };
  };
  const ingress: IngressRule[] = [
    from("database", "functions", databasePort),
    from("efs", "functions", NFS_PORT),
    ...(withWebApp ? [from("database", "web-app", databasePort)] : []),
    ...(withWebApp && webApp.public
      ? [80, 443].map(
          (port): IngressRule => ({
            id: `web-app-world-${port}`,
            target: "web-app",
            source: { cidr: ANYWHERE },
            protocol: "tcp",
            port,
            description: `public ${port === 443 ? "HTTPS" : "HTTP"}`,
          }),
        )
      : []),
    ...(withEndpoints ? [from("endpoints", "functions", HTTPS_PORT)] : []),
    ...(withEndpoints && withWebApp ? [from("endpoints", "web-app", HTTPS_PORT)] : []),
  ];
  return { groups, ingress };
};
