import {
  type IngressRule,
  networkRulesOf,
  type PlannedSubnet,
  planSubnets,
  type SecurityGroupId,
  type SubnetLayout,
  type SubnetTier,
} from "@lambda-lab/infra/network-rules";
import { CATALOG_IDS, FUNCTION_NEEDS, type StackConfig } from "@lambda-lab/infra/stack-config";

/**
 * The subnets-versus-security-groups lesson's model: the stack's VPC as the program plans it (subnets per AZ
 * from infra's subnet plan) with the security groups and rules the network component builds (infra's
 * network-rules.ts), read from the stack config. Nothing here restates a rule: what the page draws is what
 * `pulumi up` would create.
 */

export interface NetworkTier {
  tier: SubnetTier;
  /** What awsx calls it (Public: a route to the internet gateway; Private: via NAT, if any; Isolated: none). */
  kind: "Public" | "Private" | "Isolated";
  subnets: { az: number; cidr: string }[];
}

export interface NetworkGroup {
  id: SecurityGroupId;
  /** The EC2 security group's Pulumi name. */
  name: string;
  description: string;
  wornBy: string;
  /** What wears it, concretely: function ids, the database identifier, endpoint services… */
  members: string[];
  tier: SubnetTier;
  egressAll: boolean;
}

export interface NetworkRule {
  id: string;
  /** A security group, or "internet" for a CIDR rule open to 0.0.0.0/0. */
  from: SecurityGroupId | "internet";
  to: SecurityGroupId;
  protocol: "tcp";
  port: number;
  description: string;
}

export interface NetworkPicture {
  stack: string;
  layout: SubnetLayout;
  /** The stack file's own layout; `layout` differs when the page asked what the other one would look like. */
  stackLayout: SubnetLayout;
  vpcCidr: string;
  databasePort: number;
  tiers: NetworkTier[];
  groups: NetworkGroup[];
  rules: NetworkRule[];
  /** Groups whose interfaces share the database's subnets yet have no rule into its group: no way in. */
  shareDatabaseSubnetsWithoutRule: SecurityGroupId[];
  /** Groups that reach the database through a rule although they sit in other subnets. */
  reachDatabaseFromOtherSubnets: SecurityGroupId[];
}

const KIND_OF_TIER: Record<SubnetTier, NetworkTier["kind"]> = {
  public: "Public",
  private: "Private",
  database: "Isolated",
};

export class NetworkPictureError extends Error {
  override name = "NetworkPictureError";
}

/** The VPC functions: the catalog's entries that need the VPC (the migration runner among them). */
const vpcFunctionIds = () => CATALOG_IDS.filter((id) => FUNCTION_NEEDS[id].vpc);

const membersOf = (id: SecurityGroupId, config: StackConfig): string[] => {
  switch (id) {
    case "functions":
      return vpcFunctionIds();
    case "database":
      return [
        `${config.database.engine} ${config.database.engineVersion} (${config.database.instanceClass})`,
      ];
    case "efs":
      return ["mount target per AZ"];
    case "web-app":
      return [config.webApp.instanceType];
    case "endpoints":
      return [...config.network.interfaceEndpoints];
  }
};

/**
 * The picture of `config`'s network; `layout` draws the other subnet layout instead of the stack's (the
 * rules are the stack's either way). Throws NetworkPictureError when the subnet plan refuses the VPC CIDR.
 */
export const networkPicture = (config: StackConfig, layout?: SubnetLayout): NetworkPicture => {
  const subnetLayout = layout ?? config.network.subnetLayout;
  const plan = planSubnets(config.network.vpcCidr, subnetLayout);
  if ("problem" in plan)
    throw new NetworkPictureError(
      `stack "${config.stack}": vpcCidr ${config.network.vpcCidr} ${plan.problem} (subnet layout "${subnetLayout}")`,
    );
  const rules = networkRulesOf({
    subnetLayout,
    databasePort: config.database.port,
    webApp: config.webApp,
    interfaceEndpoints: config.network.interfaceEndpoints,
  });
  const tierNames = [...new Set(plan.subnets.map((s: PlannedSubnet) => s.tier))];
  const tiers = tierNames.map(
    (tier): NetworkTier => ({
      tier,
      kind: KIND_OF_TIER[tier],
      subnets: plan.subnets.filter((s) => s.tier === tier).map(({ az, cidr }) => ({ az, cidr })),
    }),
  );
  const groups = rules.groups.map(
    (g): NetworkGroup => ({
      id: g.id,
      name: `network-${g.resourceName}`,
      description: g.description,
      wornBy: g.wornBy,
      members: membersOf(g.id, config),
      tier: g.tier,
      egressAll: g.egressAll,
    }),
  );
  const pictureRules = rules.ingress.map(
    (r: IngressRule): NetworkRule => ({
      id: r.id,
      from: "group" in r.source ? r.source.group : "internet",
      to: r.target,
      protocol: r.protocol,
      port: r.port,
      description: r.description,
    }),
  );
  const database = groups.find((g) => g.id === "database");
  const intoDatabase = new Set(pictureRules.filter((r) => r.to === "database").map((r) => r.from));
  const others = groups.filter((g) => g.id !== "database");
  return {
    stack: config.stack,
    layout: subnetLayout,
    stackLayout: config.network.subnetLayout,
    vpcCidr: config.network.vpcCidr,
    databasePort: config.database.port,
    tiers,
    groups,
    rules: pictureRules,
    shareDatabaseSubnetsWithoutRule: others
      .filter((g) => g.tier === database?.tier && !intoDatabase.has(g.id))
      .map((g) => g.id),
    reachDatabaseFromOtherSubnets: others
      .filter((g) => g.tier !== database?.tier && intoDatabase.has(g.id))
      .map((g) => g.id),
  };
};
