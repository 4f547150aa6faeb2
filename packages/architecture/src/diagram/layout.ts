/**
 * Lays the diagram out with ELK's layered algorithm (elkjs, the JavaScript build of the Eclipse Layout
 * Kernel; https://eclipse.dev/elk/reference/algorithms/org-eclipse-elk-layered.html): nested groups
 * (region → VPC → subnet tiers), edges routed across them (`hierarchyHandling: INCLUDE_CHILDREN`). No
 * coordinate is placed by hand. Text is sized for a monospace font (0.6 em per character), so sizes are
 * exact and the layout, and the SVG drawn from it, are the same on every machine.
 */
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api.js";
import { type Diagram, type DiagramEdge, type DiagramNode, isGroupKind } from "./graph.js";

export const FONT_SIZE = 12;
export const CHAR_WIDTH = FONT_SIZE * 0.6;
export const LINE_HEIGHT = 16;
export const PADDING = 8;
export const GROUP_LABEL_HEIGHT = 22;
export const EDGE_FONT_SIZE = 10;
export const EDGE_CHAR_WIDTH = EDGE_FONT_SIZE * 0.6;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedNode extends DiagramNode, Box {
  group: boolean;
  depth: number;
}

export interface PlacedEdge extends DiagramEdge {
  points: { x: number; y: number }[];
  labelBox?: Box;
}

export interface Layout {
  diagram: Diagram;
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const textWidth = (lines: string[], charWidth = CHAR_WIDTH) =>
  Math.max(...lines.map((l) => [...l].length)) * charWidth;

const ROOT_OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.edgeLabels.placement": "CENTER",
  "elk.spacing.nodeNode": "24",
  "elk.spacing.edgeNode": "16",
  "elk.spacing.edgeEdge": "10",
  "elk.spacing.edgeLabel": "4",
  "elk.layered.spacing.nodeNodeBetweenLayers": "48",
  "elk.layered.spacing.edgeNodeBetweenLayers": "16",
  "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.randomSeed": "1",
};

const GROUP_OPTIONS = {
  "elk.padding": `[top=${GROUP_LABEL_HEIGHT + PADDING},left=${PADDING * 2},bottom=${PADDING * 2},right=${PADDING * 2}]`,
  "elk.nodeLabels.placement": "[H_LEFT, V_TOP, INSIDE]",
};

const round = (n: number) => Math.round(n * 10) / 10;

export const layoutDiagram = async (diagram: Diagram): Promise<Layout> => {
  const children = new Map<string, DiagramNode[]>();
  for (const n of diagram.nodes) {
    const parent = n.parent ?? "";
    children.set(parent, [...(children.get(parent) ?? []), n]);
  }
  const toElk = (n: DiagramNode): ElkNode => {
    const kids = children.get(n.id) ?? [];
    const group = isGroupKind(n.kind) || kids.length > 0;
    const label = { text: n.label[0] ?? n.id, width: textWidth([n.label[0] ?? ""]), height: LINE_HEIGHT };
    // An empty group (public subnets with nothing in them) keeps room for its title.
    const empty =
      kids.length === 0 ? { width: label.width + PADDING * 4, height: GROUP_LABEL_HEIGHT + PADDING * 2 } : {};
    return group
      ? { id: n.id, labels: [label], layoutOptions: GROUP_OPTIONS, children: kids.map(toElk), ...empty }
      : {
          id: n.id,
          width: Math.ceil(textWidth(n.label) + PADDING * 2),
          height: n.label.length * LINE_HEIGHT + PADDING * 2,
        };
  };
  const edgeLabel = (e: DiagramEdge) =>
    e.label
      ? [{ text: e.label, width: textWidth([e.label], EDGE_CHAR_WIDTH) + 4, height: EDGE_FONT_SIZE + 4 }]
      : [];
  const graph: ElkNode = {
    id: "root",
    layoutOptions: ROOT_OPTIONS,
    children: (children.get("") ?? []).map(toElk),
    edges: diagram.edges.map(
      (e): ElkExtendedEdge => ({ id: e.id, sources: [e.from], targets: [e.to], labels: edgeLabel(e) }),
    ),
  };
  const elk = new ELK();
  const out = await elk.layout(graph);

  // ELK's coordinates are relative to the parent node (edges: to their container): make them absolute.
  const offset = new Map<string, { x: number; y: number }>([["root", { x: 0, y: 0 }]]);
  const placed: PlacedNode[] = [];
  const byId = new Map(diagram.nodes.map((n) => [n.id, n]));
  const walk = (n: ElkNode, base: { x: number; y: number }, depth: number) => {
    const x = base.x + (n.x ?? 0);
    const y = base.y + (n.y ?? 0);
    offset.set(n.id, { x, y });
    const source = byId.get(n.id);
    if (source)
      placed.push({
        ...source,
        x: round(x),
        y: round(y),
        width: round(n.width ?? 0),
        height: round(n.height ?? 0),
        group: (n.children?.length ?? 0) > 0 || isGroupKind(source.kind),
        depth,
      });
    for (const c of n.children ?? []) walk(c, { x, y }, depth + 1);
  };
  for (const c of out.children ?? []) walk(c, { x: 0, y: 0 }, 0);

  const edgesById = new Map(diagram.edges.map((e) => [e.id, e]));
  const collectEdges = (n: ElkNode): ElkExtendedEdge[] => [
    ...(n.edges ?? []),
    ...(n.children ?? []).flatMap(collectEdges),
  ];
  const edges: PlacedEdge[] = collectEdges(out).flatMap((e) => {
    const source = edgesById.get(e.id);
    if (!source) return [];
    const base = offset.get((e as { container?: string }).container ?? "root") ?? { x: 0, y: 0 };
    const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
    const label = e.labels?.[0];
    return [
      {
        ...source,
        points: points.map((p) => ({ x: round(base.x + p.x), y: round(base.y + p.y) })),
        ...(label && source.label
          ? {
              labelBox: {
                x: round(base.x + (label.x ?? 0)),
                y: round(base.y + (label.y ?? 0)),
                width: round(label.width ?? 0),
                height: round(label.height ?? 0),
              },
            }
          : {}),
      },
    ];
  });
  edges.sort((a, b) => (a.id < b.id ? -1 : 1));
  placed.sort((a, b) => a.depth - b.depth || (a.id < b.id ? -1 : 1));
  return { diagram, width: round(out.width ?? 0), height: round(out.height ?? 0), nodes: placed, edges };
};
