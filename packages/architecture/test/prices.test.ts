import { rawStackConfig } from "@lambda-lab/infra/testing";
import { describe, expect, it } from "vitest";
import { stackNames } from "../src/paths.js";
import {
  flattenPrices,
  MissingPriceError,
  PRICE_TABLES,
  priceOf,
  priceTable,
  priceTableAge,
  staleWarning,
} from "../src/prices.js";

describe("the price table", () => {
  it("has a table for the region of every stack in stacks/", () => {
    for (const stack of stackNames()) {
      const region = rawStackConfig(stack)["aws:region"] as string;
      expect(() => priceTable(region), `stack ${stack} (${region})`).not.toThrow();
    }
  });

  it("gives every figure a positive price, a unit, an https source and how it was checked", () => {
    for (const table of Object.values(PRICE_TABLES)) {
      const all = flattenPrices(table);
      expect(all.length).toBeGreaterThan(30);
      for (const { path, price } of all) {
        expect(price.usd, path).toBeGreaterThan(0);
        expect(price.per, path).not.toBe("");
        expect(price.source, path).toMatch(/^https:\/\//);
        expect(["price-list", "secondary", "rule", "unverified"], path).toContain(price.verified);
      }
    }
  });

  it("is stale one year after its date, and says so with the file to update", () => {
    const table = priceTable("eu-west-1");
    const asOf = new Date(`${table.asOf}T00:00:00Z`);
    const daysLater = (days: number) => new Date(asOf.getTime() + days * 86_400_000);
    expect(priceTableAge(table, daysLater(365))).toEqual({ days: 365, stale: false });
    expect(priceTableAge(table, daysLater(366))).toEqual({ days: 366, stale: true });
    expect(staleWarning(table, daysLater(30))).toBeUndefined();
    expect(staleWarning(table, daysLater(400))).toMatch(
      /400 days old.*packages\/architecture\/src\/prices\.ts/,
    );
  });

  it("names the region, the class and the file when a price is missing", () => {
    expect(() => priceTable("ap-south-2")).toThrow(MissingPriceError);
    expect(() => priceTable("ap-south-2")).toThrow(/ap-south-2.*prices\.ts has eu-west-1/);
    const rds = priceTable("eu-west-1").rds.instanceHour;
    expect(() => priceOf(rds, "db.r7g.large", "RDS instance class", "eu-west-1")).toThrow(
      /no RDS instance class price for db\.r7g\.large in eu-west-1/,
    );
  });
});
