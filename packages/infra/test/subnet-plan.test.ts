import { describe, expect, it } from "vitest";
import { planSubnets, smallestVpcPrefix } from "../src/stack-config/subnet-plan.js";

describe("the subnet plan, placed as awsx's Auto strategy places it", () => {
  it("puts each AZ in its half of the VPC, each subnet aligned to its size", () => {
    // The allocation pulumi-awsx's getSubnetSpecs computes for these specs (public /24, private /20, 2 AZs).
    expect(planSubnets("10.20.0.0/16", "shared")).toEqual({
      subnets: [
        { az: 1, tier: "public", cidr: "10.20.0.0/24" },
        { az: 1, tier: "private", cidr: "10.20.16.0/20" },
        { az: 2, tier: "public", cidr: "10.20.128.0/24" },
        { az: 2, tier: "private", cidr: "10.20.144.0/20" },
      ],
    });
  });

  it("finds the smallest VPC per layout", () => {
    expect(smallestVpcPrefix("shared")).toBe(18);
    expect(smallestVpcPrefix("split")).toBe(17);
  });

  it("refuses a split layout whose database subnet would spill into the next AZ, which awsx's size check misses", () => {
    // 256 + 4096 + 256 addresses fit in a /19 AZ block, but aligned the database /24 starts at 8192.
    const plan = planSubnets("10.20.0.0/18", "split");
    expect("problem" in plan && plan.problem).toContain("would run past the AZ's /19");
  });
});
