/**
 * The network component builds its security groups, rules and placements from network-rules.ts, and the
 * lab draws the same description: here the mocked program's resources are read back into the description's
 * shape and must equal it, for every stack file and the variants that change the rules (split layout, a
 * public web-app host, a web-app host beside interface endpoints).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type IngressRule, networkRulesOf, type SecurityGroupSpec } from "../src/network-rules.js";
import type { SubnetTier } from "../src/stack-config/subnet-plan.js";
import { type ProgramRun, runProgram, STACKS } from "./harness.js";
import { T } from "./wiring.js";

const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const PREFIX = "network-";

/** The mock's subnet ids (test/harness.ts) by awsx type, as the description names the tiers. */
const TIER_OF_SUBNET: Record<string, SubnetTier> = {
  "subnet-public-a": "public",
  "subnet-public-b": "public",
  "subnet-private-a": "private",
  "subnet-private-b": "private",
  "subnet-isolated-a": "database",
  "subnet-isolated-b": "database",
};
const tiersOf = (subnetIds: string[]): SubnetTier[] =>
  [...new Set(subnetIds.map((id) => TIER_OF_SUBNET[id] ?? `unknown subnet ${id}`))] as SubnetTier[];

const describedBy = (run: ProgramRun) =>
  networkRulesOf({
    subnetLayout: run.config.network.subnetLayout,
    databasePort: run.config.database.port,
    webApp: run.config.webApp,
    interfaceEndpoints: run.config.network.interfaceEndpoints,
  });

/** The recorded groups and rules, in the description's words. */
const recordedRules = (run: ProgramRun) => {
  const groups = run.ofType(T.sg);
  const groupIdOf = (physicalId: string) => {
    const group = groups.find((g) => `${g.name}-id` === physicalId);
    if (!group) throw new Error(`a rule references ${physicalId}, which is no security group of the program`);
    return group.name.slice(PREFIX.length, -"-sg".length);
  };
  const egress = run.ofType(EGRESS).map((e) => e.inputs);
  return {
    groups: groups.map((g) => ({
      resourceName: g.name.slice(PREFIX.length),
      description: g.inputs.description,
      egressAll:
        egress.some(
          (e) => e.securityGroupId === `${g.name}-id` && e.ipProtocol === "-1" && e.cidrIpv4 === "0.0.0.0/0",
        ) && egress.filter((e) => e.securityGroupId === `${g.name}-id`).length === 1,
    })),
    ingress: run.ofType(T.ingress).map((r) => ({
      id: r.name.slice(PREFIX.length),
      target: groupIdOf(r.inputs.securityGroupId),
      source: r.inputs.referencedSecurityGroupId
        ? { group: groupIdOf(r.inputs.referencedSecurityGroupId) }
        : { cidr: r.inputs.cidrIpv4 },
      protocol: r.inputs.ipProtocol,
      port: r.inputs.fromPort,
      toPort: r.inputs.toPort,
      description: r.inputs.description,
    })),
  };
};

/** Where each group's wearers were placed by the program, as tiers. */
const recordedTiers = (run: ProgramRun): Partial<Record<SecurityGroupSpec["id"], SubnetTier[]>> => {
  const vpcFunctions = run.ofType(T.fn).filter((f) => f.inputs.vpcConfig);
  const mounts = run.ofType("aws:efs/mountTarget:MountTarget");
  const host = run.ofType(T.instance)[0];
  const endpoints = run.ofType(T.endpoint).filter((e) => e.inputs.vpcEndpointType === "Interface");
  return {
    functions: tiersOf(vpcFunctions.flatMap((f) => f.inputs.vpcConfig.subnetIds)),
    database: tiersOf(run.one("aws:rds/subnetGroup:SubnetGroup", "database-subnets").inputs.subnetIds),
    efs: tiersOf(mounts.map((m) => m.inputs.subnetId)),
    ...(host ? { "web-app": tiersOf([host.inputs.subnetId]) } : {}),
    ...(endpoints.length > 0 ? { endpoints: tiersOf(endpoints.flatMap((e) => e.inputs.subnetIds)) } : {}),
  };
};

const VARIANTS: [string, string, Record<string, unknown>][] = [
  ...STACKS.map((stack): [string, string, Record<string, unknown>] => [stack, stack, {}]),
  ["dev, split layout", "dev", { "lambda-lab:subnetLayout": "split" }],
  ["prod, public web-app host", "prod", { "lambda-lab:webAppPublic": true }],
  [
    "dev with a public web-app host beside its endpoint",
    "dev",
    { "lambda-lab:webAppEnabled": true, "lambda-lab:webAppPublic": true },
  ],
];

describe.each(VARIANTS)("%s: the network resources are the description", (_label, stack, overrides) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram(stack, overrides);
  });

  it("has exactly the described security groups, with their descriptions and egress", () => {
    const described = describedBy(run);
    expect(recordedRules(run).groups).toEqual(
      expect.arrayContaining(
        described.groups.map((g) => ({
          resourceName: g.resourceName,
          description: g.description,
          egressAll: g.egressAll,
        })),
      ),
    );
    expect(recordedRules(run).groups).toHaveLength(described.groups.length);
    expect(run.ofType(EGRESS)).toHaveLength(described.groups.filter((g) => g.egressAll).length);
  });

  it("has exactly the described ingress rules, one port each", () => {
    const described = describedBy(run);
    const expected = described.ingress.map((r: IngressRule) => ({ ...r, toPort: r.port }));
    const recorded = recordedRules(run).ingress;
    expect([...recorded].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [...expected].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it("places each group's wearers in the described tier", () => {
    const described = describedBy(run);
    expect(recordedTiers(run)).toEqual(Object.fromEntries(described.groups.map((g) => [g.id, [g.tier]])));
  });
});
