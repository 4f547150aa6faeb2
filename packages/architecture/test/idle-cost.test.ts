import { describe, expect, it } from "vitest";
import { idleCost } from "../src/idle-cost.js";
import { ofType, T } from "../src/inventory.js";
import { MissingPriceError, priceTable } from "../src/prices.js";
import { fakeInventory, inventory, lineById } from "./support.js";

const prices = priceTable("eu-west-1");

describe("the idle cost of dev, from its mocked program", () => {
  it("prices the interface endpoint per AZ-hour, the database by class and storage, the RDS secret", async () => {
    const cost = idleCost(await inventory("dev"), prices);
    // Worked by hand from prices.ts (eu-west-1, 730 h a month):
    // secretsmanager endpoint: 2 AZs × 730 h × $0.011 = $16.06
    expect(lineById(cost.lines, "interface-endpoint:secretsmanager").monthlyUsd).toBeCloseTo(16.06, 2);
    // db.t4g.micro Single-AZ: 730 h × $0.017 = $12.41
    expect(lineById(cost.lines, "rds-instance:database-instance").monthlyUsd).toBeCloseTo(12.41, 2);
    // 20 GiB gp3 × $0.127 = $2.54
    expect(lineById(cost.lines, "rds-storage:database-instance").monthlyUsd).toBeCloseTo(2.54, 2);
    // manageMasterUserPassword: one Secrets Manager secret, $0.40
    expect(lineById(cost.lines, "rds-secret:database-instance").monthlyUsd).toBeCloseTo(0.4, 2);
  });

  it("has no NAT gateway, public IPv4 or host line: dev runs none of them", async () => {
    const cost = idleCost(await inventory("dev"), prices);
    expect(cost.lines.filter((l) => /^(nat-gateway|public-ipv4|ec2-)/.test(l.id))).toEqual([]);
  });

  it("charges every alarm the program creates, and totals exactly its lines", async () => {
    const inv = await inventory("dev");
    const cost = idleCost(inv, prices);
    const alarms = ofType(inv, T.alarm).length;
    expect(alarms).toBeGreaterThan(10);
    expect(lineById(cost.lines, "cloudwatch-alarms").monthlyUsd).toBeCloseTo(alarms * 0.1, 10);
    expect(cost.totalUsd).toBeCloseTo(
      cost.lines.reduce((s, l) => s + l.monthlyUsd, 0),
      10,
    );
  });

  it("lists every Lambda at $0 idle with its per-use rate: 256 MB arm64 = $0.53 per 1M × 100 ms", async () => {
    const cost = idleCost(await inventory("dev"), prices);
    const upload = lineById(cost.lines, "lambda:upload");
    expect(upload.monthlyUsd).toBe(0);
    // $0.20 requests + 1M × 0.1 s × 0.25 GB × $0.0000133334 = $0.20 + $0.333 = $0.53
    expect(upload.perUse).toBe("$0.53 per 1M invocations of 100 ms");
    expect(upload.configKeys).toEqual(["architecture", "uploadMemoryMb"]);
  });

  it("counts the schedules' runs from their expressions: hourly 730, daily 30.4 a month", async () => {
    const cost = idleCost(await inventory("dev"), prices);
    const runs = cost.lines
      .filter((l) => l.id.startsWith("schedule:"))
      .map((l) => Math.round(l.quantity * 10) / 10);
    expect(runs.sort((a, b) => a - b)).toEqual([30.4, 730]);
  });

  it("knows every resource type the program creates (a new type must be priced or declared free)", async () => {
    for (const stack of ["dev", "prod"]) {
      const cost = idleCost(await inventory(stack), prices);
      expect(cost.unpriced, `${stack}: add these types to idle-cost.ts (FREE_TYPES or a price)`).toEqual([]);
    }
  });
});

describe("the idle cost of prod", () => {
  it("prices one NAT gateway with its IPv4, a Multi-AZ db.t4g.small, the host and its volume", async () => {
    const cost = idleCost(await inventory("prod"), prices);
    // natStrategy single: 730 h × $0.048 = $35.04, and its Elastic IP 730 h × $0.005 = $3.65
    expect(lineById(cost.lines, "nat-gateway:network-vpc-nat-1").monthlyUsd).toBeCloseTo(35.04, 2);
    expect(lineById(cost.lines, "public-ipv4:nat").monthlyUsd).toBeCloseTo(3.65, 2);
    // Multi-AZ bills primary and standby: 2 × 730 h × $0.034 = $49.64; storage 2 × 20 GiB × $0.127 = $5.08
    expect(lineById(cost.lines, "rds-instance:database-instance").monthlyUsd).toBeCloseTo(49.64, 2);
    expect(lineById(cost.lines, "rds-storage:database-instance").monthlyUsd).toBeCloseTo(5.08, 2);
    // t4g.small 730 h × $0.0184 = $13.43; 16 GiB gp3 × $0.088 = $1.41
    expect(lineById(cost.lines, "ec2-instance:web-app-instance").monthlyUsd).toBeCloseTo(13.43, 2);
    expect(lineById(cost.lines, "ec2-volume:web-app-instance").monthlyUsd).toBeCloseTo(1.41, 2);
    expect(lineById(cost.lines, "rds-storage:database-instance").perUse).toBe(
      "autoscaling up to 100 GiB: up to $25.40",
    );
  });
});

describe("what awsx's Vpc creates out of the mock's sight", () => {
  const vpc = (natGateways: unknown, azs = 2) =>
    fakeInventory([
      {
        type: "awsx:ec2:Vpc",
        name: "vpc",
        inputs: {
          cidrBlock: "10.0.0.0/16",
          numberOfAvailabilityZones: azs,
          subnetSpecs: [{ type: "Public" }, { type: "Private" }],
          ...(natGateways === undefined ? {} : { natGateways }),
        },
        state: {
          vpcId: "vpc-1",
          publicSubnetIds: ["pub-a", "pub-b"],
          privateSubnetIds: ["priv-a", "priv-b"],
        },
      },
    ]);
  const nat = (inv: ReturnType<typeof vpc>) =>
    idleCost(inv, prices).lines.filter((l) => l.id.startsWith("nat-"));

  it("makes one gateway per AZ for OnePerAz, each with a billed Elastic IP", () => {
    const cost = idleCost(vpc({ strategy: "OnePerAz" }), prices);
    expect(cost.lines.filter((l) => l.id.startsWith("nat-gateway:")).map((l) => l.monthlyUsd)).toEqual([
      35.04, 35.04,
    ]);
    // 2 addresses × 730 h × $0.005
    expect(lineById(cost.lines, "public-ipv4:nat").monthlyUsd).toBeCloseTo(7.3, 10);
  });

  it("defaults to one per AZ when public and private subnets exist, as awsx documents", () => {
    expect(nat(vpc(undefined, 3))).toHaveLength(3);
  });

  it("bills no Elastic IP of its own when the addresses are given", () => {
    const cost = idleCost(vpc({ strategy: "Single", elasticIpAllocationIds: ["eipalloc-1"] }), prices);
    expect(cost.lines.filter((l) => l.id.startsWith("nat-gateway:"))).toHaveLength(1);
    expect(cost.lines.find((l) => l.id === "public-ipv4:nat")).toBeUndefined();
  });
});

describe("resources the model cannot price", () => {
  it("are listed, never silently $0", () => {
    const cost = idleCost(
      fakeInventory([{ type: "aws:elasticache/cluster:Cluster", name: "cache" }]),
      prices,
    );
    expect(cost.unpriced).toEqual([{ type: "aws:elasticache/cluster:Cluster", names: ["cache"] }]);
  });

  it("fail with the class and the file when an RDS class has no price", () => {
    const inv = fakeInventory([
      {
        type: T.rds,
        name: "db",
        inputs: { instanceClass: "db.r7g.large", storageType: "gp3", allocatedStorage: 20 },
      },
    ]);
    expect(() => idleCost(inv, prices)).toThrow(MissingPriceError);
    expect(() => idleCost(inv, prices)).toThrow(/db\.r7g\.large.*prices\.ts/);
  });
});
