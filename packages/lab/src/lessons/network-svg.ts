import {
  EDGE_FONT_SIZE,
  FONT_SIZE,
  type Layout,
  layoutDiagram,
  type PlacedNode,
} from "@lambda-lab/architecture/diagram-layout";
import { esc, FONT, n, nodeSvg } from "@lambda-lab/architecture/diagram-svg";
import type { NetworkGroup, NetworkPicture } from "./network.js";

/**
 * The network picture as SVG: the VPC, one box per subnet tier (its CIDR in each AZ), what sits in each
 * tier with the security group it wears, and one arrow per security-group rule (source group → target
 * group, protocol and port). Laid out by the architecture package's elkjs layout, as the stack diagrams
 * are; drawn here because this picture has its own legend and title.
 */

type Diagram = Parameters<typeof layoutDiagram>[0];

const TIER_STYLE: Record<string, { fill: string; stroke: string }> = {
  public: { fill: "#eef4fb", stroke: "#1f73b7" },
  private: { fill: "#f5f1fc", stroke: "#7a4fd1" },
  database: { fill: "#fbf1f1", stroke: "#b0413e" },
};
const MEMBER_STYLE: Record<string, { fill: string; stroke: string; dash?: string }> = {
  vpc: { fill: "#f3f9f1", stroke: "#3f8624" },
  prefix: { fill: "#ffffff", stroke: "#8a8a8a", dash: "2 2" },
  function: { fill: "#fff3e0", stroke: "#d86613" },
  host: { fill: "#fff3e0", stroke: "#d86613" },
  database: { fill: "#e8eefb", stroke: "#2e5bd4" },
  filesystem: { fill: "#eef7e9", stroke: "#3f8624" },
  endpoint: { fill: "#f0ebfb", stroke: "#7a4fd1" },
  external: { fill: "#f5f5f5", stroke: "#555555", dash: "4 3" },
};
const RULE_STROKE = "#c0392b";

const KIND_OF_GROUP: Record<NetworkGroup["id"], Diagram["nodes"][number]["kind"]> = {
  functions: "function",
  database: "database",
  efs: "filesystem",
  "web-app": "host",
  endpoints: "endpoint",
};
const TITLE_OF_GROUP: Record<NetworkGroup["id"], string> = {
  functions: "VPC Lambda functions",
  database: "RDS database",
  efs: "EFS mount targets",
  "web-app": "web-app host",
  endpoints: "interface endpoints",
};

export const tierNodeId = (tier: string) => `tier:${tier}`;
export const groupNodeId = (id: string) => `sg:${id}`;
const INTERNET = "internet";

/** The picture as the architecture package's diagram graph: groups nest, rules are edges. */
export const networkDiagram = (picture: NetworkPicture): Diagram => {
  const nodes: Diagram["nodes"] = [
    { id: "vpc", kind: "vpc", label: [`VPC ${picture.vpcCidr}`] },
    // ELK keeps a group's title clear of its children, so the title stays short and each AZ's subnet is a
    // box of its own inside the tier.
    ...picture.tiers.flatMap((t) => [
      { id: tierNodeId(t.tier), kind: "tier" as const, parent: "vpc", label: [`${t.tier} (${t.kind})`] },
      ...t.subnets.map((s) => ({
        id: `subnet:${t.tier}:${s.az}`,
        kind: "prefix" as const,
        parent: tierNodeId(t.tier),
        label: [`AZ ${s.az} subnet`, s.cidr],
      })),
    ]),
    ...picture.groups.map((g) => ({
      id: groupNodeId(g.id),
      kind: KIND_OF_GROUP[g.id],
      parent: tierNodeId(g.tier),
      label: [
        TITLE_OF_GROUP[g.id],
        ...g.members.map((m) => `  ${m}`),
        `sg ${g.name}`,
        g.egressAll ? "egress: all" : "egress: none",
      ],
    })),
  ];
  if (picture.rules.some((r) => r.from === "internet"))
    nodes.push({ id: INTERNET, kind: "external", label: ["internet", "0.0.0.0/0"] });
  // One arrow per source → target pair; the ports of its rules on the label (80 and 443 to a public host).
  const pairs = new Map<string, { from: string; to: string; ports: number[]; ids: string[] }>();
  for (const rule of picture.rules) {
    const from = rule.from === "internet" ? INTERNET : groupNodeId(rule.from);
    const key = `${from}>${rule.to}`;
    const pair = pairs.get(key) ?? { from, to: groupNodeId(rule.to), ports: [], ids: [] };
    pair.ports.push(rule.port);
    pair.ids.push(rule.id);
    pairs.set(key, pair);
  }
  const edges: Diagram["edges"] = [...pairs.values()].map((p) => ({
    id: p.ids.join("+"),
    from: p.from,
    to: p.to,
    kind: "network",
    label: `tcp ${p.ports.join(", ")}`,
  }));
  return { stack: picture.stack, title: `${picture.stack}: subnets and security groups`, nodes, edges };
};

const styleOf = (node: PlacedNode) =>
  node.kind === "tier"
    ? (TIER_STYLE[node.id.slice("tier:".length)] ?? TIER_STYLE.private!)
    : (MEMBER_STYLE[node.kind] ?? MEMBER_STYLE.external!);

const drawNode = (node: PlacedNode): string => nodeSvg(node, styleOf(node), { preserveSpace: true });

const render = (layout: Layout): string => {
  const margin = 16;
  const legendHeight = 28;
  const width = Math.ceil(layout.width + margin * 2);
  const height = Math.ceil(layout.height + margin * 2 + legendHeight);
  const edges = layout.edges
    .map((e) => {
      const d = e.points.map((p, i) => `${i === 0 ? "M" : "L"}${n(p.x)},${n(p.y)}`).join(" ");
      const label =
        e.label && e.labelBox
          ? `<rect x="${n(e.labelBox.x)}" y="${n(e.labelBox.y)}" width="${n(e.labelBox.width)}" height="${n(e.labelBox.height)}" fill="#ffffff" fill-opacity="0.9"/><text x="${n(e.labelBox.x + 2)}" y="${n(e.labelBox.y + e.labelBox.height - 3)}" font-size="${EDGE_FONT_SIZE}" fill="${RULE_STROKE}">${esc(e.label)}</text>`
          : "";
      return `<g data-edge="${esc(e.id)}" data-from="${esc(e.from)}" data-to="${esc(e.to)}"><path d="${d}" fill="none" stroke="${RULE_STROKE}" stroke-width="1.6" marker-end="url(#rule-arrow)"/>${label}</g>`;
    })
    .join("\n");
  const legend = `<path d="M0,8 L28,8" stroke="${RULE_STROKE}" stroke-width="1.6" marker-end="url(#rule-arrow)"/><text x="34" y="12" font-size="${EDGE_FONT_SIZE}">security-group rule: the source group may open connections to the target on that port; nothing else gets in</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="${FONT_SIZE}" role="img" aria-labelledby="network-title">`,
    `<title id="network-title">${esc(layout.diagram.title)}: drawn from the stack config and infra's network rules</title>`,
    `<defs><marker id="rule-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${RULE_STROKE}"/></marker></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<g transform="translate(${margin},${margin})">`,
    layout.nodes.map(drawNode).join("\n"),
    edges,
    "</g>",
    `<g transform="translate(${margin},${n(layout.height + margin * 1.5)})">${legend}</g>`,
    "</svg>",
    "",
  ].join("\n");
};

/** The picture as a standalone SVG (no script, no external resource), the same bytes for the same picture. */
export const renderNetworkSvg = async (picture: NetworkPicture): Promise<string> =>
  render(await layoutDiagram(networkDiagram(picture)));
