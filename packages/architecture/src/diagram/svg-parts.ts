/**
 * The drawing primitives every diagram shares (the stack diagrams here, the lab's network picture): one
 * font, the escaping, number formatting, and how a laid-out node becomes its `<g>`, so both draw alike.
 */
import { GROUP_LABEL_HEIGHT, LINE_HEIGHT, PADDING, type PlacedNode } from "./layout.js";

export const FONT = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace";

export const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Coordinates to one decimal at most: the same bytes for the same layout. */
export const n = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

export interface NodeStyle {
  fill: string;
  stroke: string;
  dash?: string;
}

/**
 * A node as `<g data-node="<id>" data-kind="<kind>">`: its box, then its title in bold on a group or its
 * lines on a leaf. `preserveSpace` keeps runs of spaces in labels (aligned columns such as CIDRs per AZ).
 */
export const nodeSvg = (
  node: PlacedNode,
  style: NodeStyle,
  options: { preserveSpace?: boolean } = {},
): string => {
  const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : "";
  const space = options.preserveSpace ? ' xml:space="preserve"' : "";
  const rect = `<rect x="${n(node.x)}" y="${n(node.y)}" width="${n(node.width)}" height="${n(node.height)}" rx="${node.group ? 8 : 5}" fill="${style.fill}" stroke="${style.stroke}"${dash}/>`;
  const text = node.group
    ? `<text x="${n(node.x + PADDING * 2)}" y="${n(node.y + GROUP_LABEL_HEIGHT - 4)}" font-weight="bold" fill="${style.stroke}">${esc(node.label[0] ?? "")}</text>`
    : node.label
        .map(
          (line, i) =>
            `<text x="${n(node.x + PADDING)}" y="${n(node.y + PADDING + (i + 1) * LINE_HEIGHT - 4)}"${i === 0 ? ' font-weight="bold"' : ' fill="#333333"'}${space}>${esc(line)}</text>`,
        )
        .join("");
  return `<g data-node="${esc(node.id)}" data-kind="${node.kind}">${rect}${text}</g>`;
};
