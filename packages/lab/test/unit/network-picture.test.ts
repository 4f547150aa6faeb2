import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { planSubnets } from "@lambda-lab/infra/network-rules";
import { listStacks, readStackConfigFile } from "@lambda-lab/infra/stack-config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { networkPicture } from "../../src/lessons/network.js";
import { renderNetworkSvg } from "../../src/lessons/network-svg.js";
import { findRepoRoot } from "../../src/paths.js";
import { networkRoute } from "../../src/server/network-route.js";

const REPO = findRepoRoot();
const STACKS = listStacks(REPO);
const configOf = (stack: string) => readStackConfigFile(stack, REPO);

const toInt = (ip: string) => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
const rangeOf = (cidr: string) => {
  const [ip, prefix] = cidr.split("/") as [string, string];
  const start = toInt(ip);
  return { start, end: start + 2 ** (32 - Number(prefix)) - 1 };
};

describe.each(STACKS)("the %s stack's network picture", (stack) => {
  const config = configOf(stack);

  it("draws the stack file's layout, with the subnets the program plans in each AZ, inside the VPC and apart", () => {
    const picture = networkPicture(config);
    expect(picture.layout).toBe(config.network.subnetLayout);
    const plan = planSubnets(config.network.vpcCidr, config.network.subnetLayout);
    if ("problem" in plan) throw new Error(plan.problem);
    const drawn = picture.tiers.flatMap((t) =>
      t.subnets.map((s) => ({ az: s.az, tier: t.tier, cidr: s.cidr })),
    );
    expect(drawn).toEqual(expect.arrayContaining(plan.subnets));
    expect(drawn).toHaveLength(plan.subnets.length);
    const vpc = rangeOf(config.network.vpcCidr);
    const ranges = drawn.map((s) => rangeOf(s.cidr)).sort((a, b) => a.start - b.start);
    for (const [i, r] of ranges.entries()) {
      expect(r.start).toBeGreaterThanOrEqual(vpc.start);
      expect(r.end).toBeLessThanOrEqual(vpc.end);
      if (i > 0) expect(r.start).toBeGreaterThan(ranges[i - 1]!.end);
    }
  });

  it("lets only the functions (and a web-app host) reach the database port, never the internet", () => {
    const picture = networkPicture(config);
    const intoDatabase = picture.rules.filter((r) => r.to === "database");
    expect(intoDatabase.map((r) => r.from).sort()).toEqual(
      ["functions", ...(config.webApp.enabled ? ["web-app"] : [])].sort(),
    );
    for (const rule of intoDatabase) expect(rule.port).toBe(config.database.port);
    expect(picture.rules.filter((r) => r.from === "internet").map((r) => r.to)).toEqual(
      config.webApp.enabled && config.webApp.public ? ["web-app", "web-app"] : [],
    );
  });

  it("names what shares the database's subnets without a rule into its group", () => {
    const picture = networkPicture(config);
    const database = picture.groups.find((g) => g.id === "database")!;
    expect(database.tier).toBe(config.network.subnetLayout === "split" ? "database" : "private");
    // EFS mount targets and interface endpoints sit in the private subnets and wear groups no rule admits.
    const expected =
      config.network.subnetLayout === "split"
        ? []
        : ["efs", ...(config.network.interfaceEndpoints.length > 0 ? ["endpoints"] : [])];
    expect(picture.shareDatabaseSubnetsWithoutRule).toEqual(expected);
  });

  it("draws every group and rule in the SVG, the same bytes each time", async () => {
    const picture = networkPicture(config);
    const svg = await renderNetworkSvg(picture);
    for (const group of picture.groups) expect(svg).toContain(`data-node="sg:${group.id}"`);
    for (const tier of picture.tiers) for (const s of tier.subnets) expect(svg).toContain(s.cidr);
    const edges = [...svg.matchAll(/data-edge="([^"]+)"/g)].flatMap((m) => m[1]!.split("+"));
    expect(edges.sort()).toEqual(picture.rules.map((r) => r.id).sort());
    expect(await renderNetworkSvg(networkPicture(config))).toBe(svg);
  });
});

describe("the split layout, drawn for comparison", () => {
  it("puts the database alone in its isolated tier; the functions reach it from the private subnets", async () => {
    const config = configOf("dev");
    const picture = networkPicture(config, "split");
    expect(picture).toMatchObject({ layout: "split", stackLayout: config.network.subnetLayout });
    expect(picture.tiers.map((t) => [t.tier, t.kind])).toEqual([
      ["public", "Public"],
      ["private", "Private"],
      ["database", "Isolated"],
    ]);
    expect(picture.groups.filter((g) => g.tier === "database").map((g) => g.id)).toEqual(["database"]);
    expect(picture.shareDatabaseSubnetsWithoutRule).toEqual([]);
    expect(picture.reachDatabaseFromOtherSubnets).toEqual(["functions"]);
    expect(await renderNetworkSvg(picture)).toContain('data-node="tier:database"');
  });

  it("refuses a VPC too small for the layout, naming the stack and the key", () => {
    const config = configOf("dev");
    const small = { ...config, network: { ...config.network, vpcCidr: "10.20.0.0/18" } };
    expect(() => networkPicture(small, "split")).toThrow(
      /stack "dev": vpcCidr 10\.20\.0\.0\/18 is too small/,
    );
  });
});

describe("GET /api/lessons/network", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const route = networkRoute({ config: configOf("dev") });
    server = createServer((req, res) => {
      void route(req, res, new URL(req.url ?? "/", "http://x")).then((taken) => {
        if (!taken) res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers the stack's own layout with its SVG, and the other one when asked", async () => {
    const own = (await (await fetch(`${base}/api/lessons/network`)).json()) as {
      layout: string;
      svg: string;
    };
    expect(own.layout).toBe("shared");
    expect(own.svg).toMatch(/^<svg /);
    const split = (await (await fetch(`${base}/api/lessons/network?layout=split`)).json()) as {
      layout: string;
    };
    expect(split.layout).toBe("split");
  });

  it("refuses an unknown layout with a 400 that names the choices", async () => {
    const response = await fetch(`${base}/api/lessons/network?layout=flat`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/shared, split.*"flat"/);
  });
});
