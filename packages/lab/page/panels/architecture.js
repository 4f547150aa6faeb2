// @ts-check
import { byId } from "../lib/dom.js";

/**
 * Architecture panel: the stack's diagram (docs/architecture-<stack>.svg, drawn by `pnpm diagram` from the
 * Pulumi program) with live traffic: each function node counts its invocations, throttles and errors, and
 * flashes with the trigger edges into it while an invocation runs.
 *
 * @typedef {{ ok: number; errors: number; throttles: number; running: number }} LiveCounts
 */

/** @returns {LiveCounts} */
export const emptyCounts = () => ({ ok: 0, errors: 0, throttles: 0, running: 0 });

/**
 * Folds one lab event into a function's counts. Pure, for the unit tests.
 * @param {LiveCounts} counts @param {"invocation-start" | "invocation" | "throttle"} type @param {{ status?: string }} data
 * @returns {LiveCounts}
 */
export const countEvent = (counts, type, data) => {
  if (type === "invocation-start") return { ...counts, running: counts.running + 1 };
  if (type === "throttle") return { ...counts, throttles: counts.throttles + 1 };
  const running = Math.max(0, counts.running - 1);
  return data.status === "success"
    ? { ...counts, ok: counts.ok + 1, running }
    : { ...counts, errors: counts.errors + 1, running };
};

/** `12 ok · 3×429 · 1 err`, the badge on a function node. @param {LiveCounts} c */
export const badgeText = (c) =>
  [`${c.ok} ok`, c.throttles > 0 ? `${c.throttles}×429` : "", c.errors > 0 ? `${c.errors} err` : ""]
    .filter(Boolean)
    .join(" · ");

const SVG_NS = "http://www.w3.org/2000/svg";

/** @param {{ architectureSvg: () => Promise<string> }} api */
export const createArchitecturePanel = (api) => {
  const holder = byId("architecture-diagram");
  /** @type {Map<string, LiveCounts>} */
  const counts = new Map();
  /** @type {Map<string, SVGTextElement>} */
  const badges = new Map();

  /** Adds a badge under each function node's box; the SVG's own layout is left as drawn. */
  const decorate = () => {
    for (const group of holder.querySelectorAll('g[data-kind="function"]')) {
      const id = group.getAttribute("data-node")?.replace(/^fn:/, "");
      const rect = group.querySelector("rect");
      if (!id || !rect) continue;
      const text = /** @type {SVGTextElement} */ (document.createElementNS(SVG_NS, "text"));
      text.setAttribute("class", "live-badge");
      text.setAttribute("data-testid", `live-${id}`);
      text.setAttribute("x", String(Number(rect.getAttribute("x")) + Number(rect.getAttribute("width")) - 4));
      text.setAttribute("y", String(Number(rect.getAttribute("y")) + 12));
      text.setAttribute("text-anchor", "end");
      text.textContent = badgeText(counts.get(id) ?? emptyCounts());
      group.appendChild(text);
      badges.set(id, text);
    }
  };

  /** @param {string} functionId */
  const show = (functionId) => {
    const c = counts.get(functionId) ?? emptyCounts();
    const badge = badges.get(functionId);
    if (badge) badge.textContent = badgeText(c);
    const node = holder.querySelector(`g[data-node="fn:${CSS.escape(functionId)}"]`);
    node?.classList.toggle("live-running", c.running > 0);
    for (const edge of holder.querySelectorAll(
      `g[data-kind="trigger"][data-edge$="->fn:${CSS.escape(functionId)}:trigger"]`,
    ))
      edge.classList.toggle("live-running", c.running > 0);
  };

  return {
    async load() {
      try {
        // The lab's own generated SVG, same origin, no script (packages/architecture/src/diagram/svg.ts).
        holder.innerHTML = await api.architectureSvg();
        // Fitted to the panel's width (the viewBox keeps its proportions); a click shows it at full size.
        const svg = holder.querySelector("svg");
        const natural = svg?.getAttribute("width") ?? "100%";
        svg?.setAttribute("width", "100%");
        svg?.removeAttribute("height");
        holder.addEventListener("click", () => {
          const full = holder.classList.toggle("full-size");
          svg?.setAttribute("width", full ? natural : "100%");
        });
        decorate();
      } catch (error) {
        holder.textContent = `No diagram: ${/** @type {Error} */ (error).message}`;
      }
    },
    /** @param {"invocation-start" | "invocation" | "throttle"} type @param {{ functionId: string; status?: string }} data */
    event(type, data) {
      counts.set(data.functionId, countEvent(counts.get(data.functionId) ?? emptyCounts(), type, data));
      show(data.functionId);
    },
  };
};
