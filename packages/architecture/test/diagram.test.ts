import { describe, expect, it } from "vitest";
import { buildDiagram, type Diagram } from "../src/diagram/graph.js";
import { layoutDiagram } from "../src/diagram/layout.js";
import { renderMermaid } from "../src/diagram/mermaid.js";
import { renderDiagram } from "../src/diagram/render.js";
import { inventory } from "./support.js";

const edge = (d: Diagram, from: string, to: string) => d.edges.find((e) => e.from === from && e.to === to);
const parentOf = (d: Diagram, id: string) => d.nodes.find((n) => n.id === id)?.parent;

describe("the dev diagram, from the program's resources and references", () => {
  it("draws every function with what invokes it", async () => {
    const d = buildDiagram(await inventory("dev"));
    expect(d.nodes.filter((n) => n.kind === "function").map((n) => n.id)).toEqual([
      "fn:alerts",
      "fn:daily-stats",
      "fn:migrate",
      "fn:orphan-cleanup",
      "fn:transform",
      "fn:upload",
    ]);
    expect(edge(d, "prefix:storage-bucket:uploads/", "fn:transform")).toMatchObject({
      kind: "trigger",
      label: "s3:ObjectCreated:*",
    });
    expect(edge(d, "api:triggers-upload-api", "fn:upload")?.kind).toBe("trigger");
    expect(edge(d, "schedule:triggers-orphan-cleanup-schedule", "fn:orphan-cleanup")?.kind).toBe("trigger");
    expect(edge(d, "topic:alarms-topic", "fn:alerts")?.kind).toBe("trigger");
    expect(edge(d, "queue:transform-failures", "fn:alerts")?.kind).toBe("trigger");
    expect(edge(d, "fn:transform", "queue:transform-failures")?.kind).toBe("failure");
    expect(edge(d, "external:pulumi-up", "fn:migrate")?.label).toBe("invoked on deploy");
  });

  it("places the VPC functions, the database, EFS and the endpoint in the private subnets", async () => {
    const d = buildDiagram(await inventory("dev"));
    for (const id of [
      "fn:orphan-cleanup",
      "fn:daily-stats",
      "database:database-instance",
      "efs:shared-fs-fs",
    ])
      expect(parentOf(d, id), id).toBe("tier:network-vpc:private");
    expect(parentOf(d, "endpoint:secretsmanager:interface")).toBe("tier:network-vpc:private");
    expect(parentOf(d, "fn:upload")).toBe("region");
    expect(d.nodes.some((n) => n.kind === "nat")).toBe(false);
  });

  it("draws security-group rules between the groups, with their ports", async () => {
    const d = buildDiagram(await inventory("dev"));
    expect(edge(d, "sg:network-functions-sg", "sg:network-database-sg")).toMatchObject({
      kind: "network",
      label: "tcp 5432",
    });
    expect(edge(d, "sg:network-functions-sg", "sg:network-efs-sg")?.label).toBe("tcp 2049");
  });

  it("reads S3 access per prefix from the functions' IAM statements", async () => {
    const d = buildDiagram(await inventory("dev"));
    expect(edge(d, "fn:upload", "prefix:storage-bucket:uploads/")?.label).toMatch(/W/);
    expect(edge(d, "fn:transform", "prefix:storage-bucket:variants/")?.label).toMatch(/W/);
    expect(edge(d, "fn:orphan-cleanup", "efs:shared-fs-fs")?.label).toBe("NFS /mnt/lab");
  });
});

describe("the prod diagram", () => {
  it("has the NAT gateway in the public subnets and the web-app host in the private ones", async () => {
    const d = buildDiagram(await inventory("prod"));
    expect(parentOf(d, "nat:network-vpc-nat-1")).toBe("tier:network-vpc:public");
    expect(parentOf(d, "host:web-app-instance")).toBe("tier:network-vpc:private");
  });
});

describe("layout and rendering", () => {
  it("are deterministic: the same program gives byte-identical SVG and Mermaid", async () => {
    const inv = await inventory("dev");
    const [a, b] = [await renderDiagram(inv), await renderDiagram(inv)];
    expect(a.svg).toBe(b.svg);
    expect(a.mermaid).toBe(b.mermaid);
  });

  it("places every node inside its group, as ELK laid it out", async () => {
    const layout = await layoutDiagram(buildDiagram(await inventory("dev")));
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const n of layout.nodes) {
      const parent = n.parent ? byId.get(n.parent) : undefined;
      if (!parent) continue;
      expect(n.x, n.id).toBeGreaterThanOrEqual(parent.x);
      expect(n.y, n.id).toBeGreaterThanOrEqual(parent.y);
      expect(n.x + n.width, n.id).toBeLessThanOrEqual(parent.x + parent.width + 0.5);
      expect(n.y + n.height, n.id).toBeLessThanOrEqual(parent.y + parent.height + 0.5);
    }
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
  });

  it("writes Mermaid subgraphs for the groups and labelled edges", async () => {
    const text = renderMermaid(buildDiagram(await inventory("dev")));
    expect(text).toMatch(/^flowchart LR$/m);
    expect(text).toMatch(/subgraph n_tier_network_vpc_private\["private subnets ×2 AZs"\]/);
    expect(text).toContain('n_api_triggers_upload_api ==>|"proxy"| n_fn_upload');
  });
});
