import { rawStackConfig } from "@lambda-lab/infra/testing";
import { describe, expect, it } from "vitest";
import { type CostLine, idleCost } from "../src/idle-cost.js";
import { priceTable } from "../src/prices.js";
import { inventoryOf } from "../src/program.js";

/**
 * Each line names the config keys that change it; this proves every such claim against the program:
 * run the stack again with the key changed, and the lines naming it must come out different.
 */
const prices = priceTable("eu-west-1");
const bump = (v: unknown) => (typeof v === "number" ? v + 10 : v);

/** A different valid value per key (the current one comes from the stack file). */
const CHANGE: Record<string, (current: unknown, stack: string) => unknown> = {
  natStrategy: (v) => (v === "single" ? "onePerAz" : "single"),
  interfaceEndpoints: (v) => [...((v as string[]) ?? []), "sts"],
  databaseInstanceClass: (v) => (v === "db.t4g.micro" ? "db.t4g.small" : "db.t4g.micro"),
  databaseMultiAz: (v) => !v,
  databaseAllocatedStorageGb: (v) => bump(v ?? 20),
  databaseMaxAllocatedStorageGb: (v) => (v ? Number(v) + 50 : 60),
  webAppEnabled: (v) => !v,
  webAppInstanceType: (v) => (v === "t4g.medium" ? "t4g.small" : "t4g.medium"),
  webAppPublic: (v) => !v,
  logRetentionDays: (v) => (v === 14 ? 30 : 14),
  architecture: (v) => (v === "x86_64" ? "arm64" : "x86_64"),
  orphanCleanupSchedule: () => "cron(0/15 * * * ? *)",
  dailyStatsSchedule: () => "cron(5 */6 * * ? *)",
};
const memoryKey = /^[a-zA-Z]+MemoryMb$/;
const changeOf = (key: string) =>
  CHANGE[key] ?? (memoryKey.test(key) ? (v: unknown) => Number(v ?? 256) + 128 : undefined);

/** A kind of line ("nat-gateway", "rds-storage"…): a key may add or remove lines of its kind. */
const kindOf = (l: CostLine) => l.id.split(":")[0] ?? l.id;
/** The figures of one kind of line, for comparing before and after. */
const figures = (lines: CostLine[], kind: string) =>
  JSON.stringify(
    lines
      .filter((l) => kindOf(l) === kind)
      .map((l) => [l.id, l.resource, l.quantity, l.price.usd, l.monthlyUsd, l.perUse ?? ""]),
  );

/** webAppEnabled on dev needs a route to SSM: the preflight rejects a private host without one. */
const companions: Record<string, Record<string, Record<string, unknown>>> = {
  dev: { webAppEnabled: { "lambda-lab:webAppPublic": true } },
};

describe.each(["dev", "prod"])("the config keys named by %s's cost lines", (stack) => {
  it("each change the lines that name them", async () => {
    const raw = rawStackConfig(stack);
    const base = idleCost(await inventoryOf({ stack }), prices);
    const named = [...new Set(base.lines.flatMap((l) => l.configKeys))].sort();
    expect(named.length).toBeGreaterThan(8);
    for (const key of named) {
      const change = changeOf(key);
      expect(change, `no test value for ${key}: add one to CHANGE`).toBeDefined();
      const value = change!(raw[`lambda-lab:${key}`], stack);
      const overrides = { [`lambda-lab:${key}`]: value, ...(companions[stack]?.[key] ?? {}) };
      const changed = idleCost(await inventoryOf({ stack, overrides }), prices);
      const kinds = [...new Set(base.lines.filter((l) => l.configKeys.includes(key)).map(kindOf))];
      for (const kind of kinds)
        expect(
          figures(changed.lines, kind),
          `${stack}: ${key} → ${JSON.stringify(value)} left every "${kind}" line as it was`,
        ).not.toBe(figures(base.lines, kind));
    }
  });
});
