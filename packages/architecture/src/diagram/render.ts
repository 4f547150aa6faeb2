/** One stack's inventory → its diagram files (SVG laid out by ELK, Mermaid), as strings. */
import type { Inventory } from "../inventory.js";
import { buildDiagram } from "./graph.js";
import { layoutDiagram } from "./layout.js";
import { renderMermaid } from "./mermaid.js";
import { renderSvg } from "./svg.js";

export const renderDiagram = async (inventory: Inventory): Promise<{ svg: string; mermaid: string }> => {
  const diagram = buildDiagram(inventory);
  return { svg: renderSvg(await layoutDiagram(diagram)), mermaid: renderMermaid(diagram) };
};
