/**
 * The laid-out diagram as a standalone SVG: no script, no external font or stylesheet, the same bytes for
 * the same layout. Every node is a `<g data-node="<id>" data-kind="<kind>">`, so the lab page can put live
 * traffic on the function nodes (`data-node="fn:upload"`).
 */
import type { EdgeKind, NodeKind } from "./graph.js";
import { EDGE_FONT_SIZE, FONT_SIZE, type Layout, type PlacedNode } from "./layout.js";
import { esc, FONT, n, nodeSvg } from "./svg-parts.js";

const NODE_STYLE: Record<NodeKind, { fill: string; stroke: string; dash?: string }> = {
  region: { fill: "#ffffff", stroke: "#232f3e" },
  vpc: { fill: "#f3f9f1", stroke: "#3f8624" },
  tier: { fill: "#eef4fb", stroke: "#1f73b7" },
  "sg-group": { fill: "#fafafa", stroke: "#8a8a8a", dash: "4 3" },
  bucket: { fill: "#eef7e9", stroke: "#3f8624" },
  function: { fill: "#fff3e0", stroke: "#d86613" },
  host: { fill: "#fff3e0", stroke: "#d86613" },
  api: { fill: "#fde8f1", stroke: "#c7136e" },
  schedule: { fill: "#fde8f1", stroke: "#c7136e" },
  topic: { fill: "#fde8f1", stroke: "#c7136e" },
  queue: { fill: "#fde8f1", stroke: "#c7136e" },
  log: { fill: "#fde8f1", stroke: "#c7136e" },
  alarm: { fill: "#fdecea", stroke: "#c0392b" },
  parameter: { fill: "#fdecea", stroke: "#c0392b" },
  prefix: { fill: "#ffffff", stroke: "#3f8624" },
  database: { fill: "#e8eefb", stroke: "#2e5bd4" },
  filesystem: { fill: "#eef7e9", stroke: "#3f8624" },
  nat: { fill: "#f0ebfb", stroke: "#7a4fd1" },
  gateway: { fill: "#f0ebfb", stroke: "#7a4fd1" },
  endpoint: { fill: "#f0ebfb", stroke: "#7a4fd1" },
  "security-group": { fill: "#ffffff", stroke: "#6b6b6b" },
  external: { fill: "#f5f5f5", stroke: "#555555", dash: "4 3" },
};

/** Subnet tiers are told apart by colour: public blue, private violet, isolated red. */
const TIER_STYLE: Record<string, { fill: string; stroke: string }> = {
  public: { fill: "#eef4fb", stroke: "#1f73b7" },
  private: { fill: "#f5f1fc", stroke: "#7a4fd1" },
  isolated: { fill: "#fbf1f1", stroke: "#b0413e" },
};

export const EDGE_STYLE: Record<EdgeKind, { stroke: string; dash?: string; width: number; legend: string }> =
  {
    trigger: { stroke: "#d86613", width: 1.6, legend: "invokes" },
    data: { stroke: "#4a4a4a", width: 1, legend: "reads / writes (R W D L)" },
    failure: { stroke: "#c0392b", dash: "6 3", width: 1.2, legend: "failed events" },
    alarm: { stroke: "#c7136e", dash: "2 3", width: 1.2, legend: "alarm actions" },
    network: { stroke: "#7a4fd1", dash: "1 3", width: 1.4, legend: "security-group rule / route" },
  };

const styleOf = (node: PlacedNode) => {
  if (node.kind === "tier") {
    const tier = (node.label[0] ?? "").split(" ")[0] ?? "";
    return TIER_STYLE[tier] ?? NODE_STYLE.tier;
  }
  return NODE_STYLE[node.kind];
};

const drawNode = (node: PlacedNode): string => nodeSvg(node, styleOf(node));

export const renderSvg = (layout: Layout): string => {
  const margin = 16;
  const legendHeight = 28;
  const width = Math.ceil(layout.width + margin * 2);
  const height = Math.ceil(layout.height + margin * 2 + legendHeight);
  const markers = Object.entries(EDGE_STYLE)
    .map(
      ([kind, s]) =>
        `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${s.stroke}"/></marker>`,
    )
    .join("");
  const nodes = layout.nodes.map(drawNode).join("\n");
  const edges = layout.edges
    .map((e) => {
      const s = EDGE_STYLE[e.kind];
      const d = e.points.map((p, i) => `${i === 0 ? "M" : "L"}${n(p.x)},${n(p.y)}`).join(" ");
      const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
      const path = `<path d="${d}" fill="none" stroke="${s.stroke}" stroke-width="${s.width}"${dash} marker-end="url(#arrow-${e.kind})"/>`;
      const label =
        e.label && e.labelBox
          ? `<rect x="${n(e.labelBox.x)}" y="${n(e.labelBox.y)}" width="${n(e.labelBox.width)}" height="${n(e.labelBox.height)}" fill="#ffffff" fill-opacity="0.85"/><text x="${n(e.labelBox.x + 2)}" y="${n(e.labelBox.y + e.labelBox.height - 3)}" font-size="${EDGE_FONT_SIZE}" fill="${s.stroke}">${esc(e.label)}</text>`
          : "";
      return `<g data-edge="${esc(e.id)}" data-kind="${e.kind}">${path}${label}</g>`;
    })
    .join("\n");
  let x = 0;
  const legend = Object.entries(EDGE_STYLE)
    .map(([kind, s]) => {
      const item = `<path d="M${n(x)},8 L${n(x + 28)},8" stroke="${s.stroke}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""} marker-end="url(#arrow-${kind})"/><text x="${n(x + 34)}" y="12" font-size="${EDGE_FONT_SIZE}">${esc(s.legend)}</text>`;
      x += 40 + s.legend.length * EDGE_FONT_SIZE * 0.6 + 16;
      return item;
    })
    .join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="${FONT_SIZE}" role="img" aria-labelledby="diagram-title">`,
    `<title id="diagram-title">${esc(layout.diagram.title)}: generated from the Pulumi program (pnpm diagram)</title>`,
    `<defs>${markers}</defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<g transform="translate(${margin},${margin})">`,
    nodes,
    edges,
    `</g>`,
    `<g transform="translate(${margin},${n(layout.height + margin * 1.5)})">${legend}</g>`,
    `</svg>`,
    "",
  ].join("\n");
};
