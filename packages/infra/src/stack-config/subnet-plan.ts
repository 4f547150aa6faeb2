/**
 * The VPC's subnet plan, read by the network component and by the stack config's CIDR check, and the
 * arithmetic awsx uses to place it. awsx's `SubnetAllocationStrategy.Auto` runs in its provider plugin, not
 * in the npm package, so the rule is re-implemented here from its source (pulumi/pulumi-awsx,
 * awsx/ec2/subnetDistributorNew.ts: `allocateSubnetCidrBlocks`, `nextNetmask`, `newBits`):
 *
 * - the VPC is cut into one block per AZ of prefix `vpcPrefix + ceil(log2(azCount))`;
 * - inside an AZ block, each subnet starts at the first address aligned to its own size after the previous
 *   subnet (`nextNetmask`), so a /20 after a /24 starts at the next /20 boundary;
 * - awsx only checks that the subnets' sizes add up to the AZ block ("Subnets are too large for VPC"), so a
 *   layout whose alignment runs past the block overlaps the next AZ and fails later in AWS (CreateSubnet:
 *   "The CIDR … conflicts with another subnet"). Both are refused here, before anything is planned.
 */
export type SubnetLayout = "shared" | "split";
export type SubnetTier = "public" | "private" | "database";

export interface SubnetSpec {
  tier: SubnetTier;
  /** awsx's subnet type for that tier. */
  type: "Public" | "Private" | "Isolated";
  cidrMask: number;
}

/** Two AZs: the RDS subnet group and the EFS mount targets need two, and each AZ more costs a NAT gateway. */
export const AVAILABILITY_ZONES = 2;

/** Per AZ, in awsx's order: public for NAT/host, a large private tier for Lambda ENIs, optionally the database. */
export const subnetSpecsOf = (layout: SubnetLayout): SubnetSpec[] => [
  { tier: "public", type: "Public", cidrMask: 24 },
  { tier: "private", type: "Private", cidrMask: 20 },
  ...(layout === "split" ? [{ tier: "database" as const, type: "Isolated" as const, cidrMask: 24 }] : []),
];

/** AWS accepts VPC CIDR blocks from /16 to /28 (VPC user guide, "VPC CIDR blocks"). */
export const LARGEST_VPC_PREFIX = 16;

export interface PlannedSubnet {
  az: number;
  tier: SubnetTier;
  cidr: string;
}

const toInt = (ip: string): number => ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
const sizeOf = (prefix: number) => 2 ** (32 - prefix);
/** The start of the block of `prefix` that contains `address`. */
const blockStart = (address: number, prefix: number) => address - (address % sizeOf(prefix));

export const parseCidr = (cidr: string): { base: number; prefix: number } | undefined => {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  return { base: toInt(octets.join(".")), prefix };
};

interface Placement {
  subnets: { tier: SubnetTier; start: number; prefix: number }[];
  /** The first subnet that, aligned to its size, runs past the AZ block. */
  overflow?: SubnetSpec;
}

/** awsx's `nextNetmask` walk inside one AZ block: each subnet at the next boundary of its own size. */
const placeInAz = (azStart: number, azSize: number, specs: SubnetSpec[]): Placement => {
  const subnets: Placement["subnets"] = [];
  let next = azStart;
  for (const spec of specs) {
    const start = blockStart(next + sizeOf(spec.cidrMask) - 1, spec.cidrMask);
    next = start + sizeOf(spec.cidrMask);
    if (next > azStart + azSize) return { subnets, overflow: spec };
    subnets.push({ tier: spec.tier, start, prefix: spec.cidrMask });
  }
  return { subnets };
};

const azPrefixOf = (vpcPrefix: number) => vpcPrefix + Math.ceil(Math.log2(AVAILABILITY_ZONES));

/** The longest VPC prefix (smallest VPC) the layout fits in: the bound the stack config enforces. */
export const smallestVpcPrefix = (layout: SubnetLayout): number => {
  let fits = LARGEST_VPC_PREFIX;
  for (let prefix = LARGEST_VPC_PREFIX + 1; prefix <= 28; prefix++) {
    const azSize = sizeOf(azPrefixOf(prefix));
    if (placeInAz(0, azSize, subnetSpecsOf(layout)).overflow) break;
    fits = prefix;
  }
  return fits;
};

/**
 * Places the layout in the VPC as awsx would, or returns the reason it cannot. The base address is
 * normalised to the block start, as awsx's Netmask does.
 */
export const planSubnets = (
  vpcCidr: string,
  layout: SubnetLayout,
): { subnets: PlannedSubnet[] } | { problem: string } => {
  const parsed = parseCidr(vpcCidr);
  if (!parsed) return { problem: "must be an IPv4 CIDR such as 10.20.0.0/16" };
  if (parsed.prefix < LARGEST_VPC_PREFIX)
    return { problem: "AWS allows VPCs from /16 (65,536 addresses) down" };
  const azPrefix = azPrefixOf(parsed.prefix);
  const azSize = sizeOf(azPrefix);
  const specs = subnetSpecsOf(layout);
  const total = specs.reduce((sum, s) => sum + sizeOf(s.cidrMask), 0);
  const advice = `use /${smallestVpcPrefix(layout)} or larger`;
  if (total > azSize) {
    return {
      problem:
        `is too small for the "${layout}" subnet layout: each of ${AVAILABILITY_ZONES} AZs gets ${azSize} addresses, but its ` +
        `subnets (${specs.map((s) => `/${s.cidrMask}`).join(" + ")}) need ${total} (awsx: "Subnets are too large for VPC"); ${advice}`,
    };
  }
  const subnets: PlannedSubnet[] = [];
  for (let az = 1; az <= AVAILABILITY_ZONES; az++) {
    const azStart = blockStart(parsed.base, parsed.prefix) + (az - 1) * azSize;
    const placed = placeInAz(azStart, azSize, specs);
    if (placed.overflow) {
      return {
        problem:
          `is too small for the "${layout}" subnet layout: aligned to its size, AZ ${az}'s ${placed.overflow.tier} ` +
          `/${placed.overflow.cidrMask} would run past the AZ's /${azPrefix} into the next one (AWS: the CIDR conflicts ` +
          `with another subnet); ${advice}`,
      };
    }
    for (const s of placed.subnets) subnets.push({ az, tier: s.tier, cidr: `${toIp(s.start)}/${s.prefix}` });
  }
  return { subnets };
};
