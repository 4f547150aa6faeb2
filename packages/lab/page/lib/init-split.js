// @ts-check
import { formatMs } from "./format.js";
import { html } from "./html.js";

/**
 * A cold start's init duration in parts, as the lab's worker measured it (src/runtime/init-split.ts): the
 * runtime's own start, then the bootstrap's import() of the bundle — its load (read, compile, link, up to
 * the first statement) and its evaluation (every bundled module's top-level code and the composition
 * root's: env, clients, a top-level await). Lambda reports only the whole, as Init Duration.
 *
 * @typedef {{ runtimeMs: number; importMs: number; loadMs?: number; evaluateMs?: number }} InitSplit
 */

/** @param {InitSplit} split @returns {{ key: string; label: string; ms: number; hint: string }[]} */
export const initParts = (split) => [
  {
    key: "runtime",
    label: "runtime start",
    ms: split.runtimeMs,
    hint: "the process, Node.js booting, the runtime bootstrap, its first request for work",
  },
  ...(split.loadMs !== undefined && split.evaluateMs !== undefined
    ? [
        {
          key: "load",
          label: "bundle load",
          ms: split.loadMs,
          hint: "resolve, read, compile and link index.mjs, up to its first statement",
        },
        {
          key: "evaluate",
          label: "module initialisation",
          ms: split.evaluateMs,
          hint: "the top-level code of every bundled module and of the composition root: reading env, constructing clients, a top-level await",
        },
      ]
    : [
        {
          key: "import",
          label: "import() of the bundle",
          ms: split.importMs,
          hint: "load and evaluation together: this bundle does not open with the build's banner, so they cannot be told apart",
        },
      ]),
];

const COLOURS = /** @type {Record<string, string>} */ ({
  runtime: "#9aa3b5",
  load: "#5b8def",
  evaluate: "#1f5fbf",
  import: "#3f74d6",
});

/**
 * The parts as figures and a bar, each part's width its share of the whole.
 * @param {InitSplit | null | undefined} split @param {number | null | undefined} initDurationMs
 */
export const renderInitSplit = (split, initDurationMs) => {
  if (!split || !initDurationMs) return html``;
  const parts = initParts(split);
  return html`<div class="init-split" data-testid="init-split">
    <div role="img" aria-label="${parts.map((p) => `${p.label} ${formatMs(p.ms)}`).join(", ")}"
      style="display:flex;height:0.7rem;border-radius:3px;overflow:hidden;margin:0.25rem 0;background:#dde0e6">${parts.map(
        (p) =>
          html`<span data-part="${p.key}" title="${p.label}: ${formatMs(p.ms)}" style="flex:${Math.max(0, p.ms).toFixed(3)} 0 0;background:${COLOURS[p.key] ?? "#1f5fbf"}"></span>`,
      )}</div>
    <ul style="list-style:none;margin:0;padding:0;font-size:0.86rem">${parts.map(
      (p) =>
        html`<li data-part="${p.key}"><span aria-hidden="true" style="display:inline-block;width:0.7rem;height:0.7rem;border-radius:2px;vertical-align:-0.05rem;background:${COLOURS[p.key] ?? "#1f5fbf"}"></span>
          <strong>${p.label}</strong> ${formatMs(p.ms)} <span class="hint">(${Math.round((100 * p.ms) / initDurationMs)}%: ${p.hint})</span></li>`,
    )}</ul>
    <p class="hint" style="margin:0.2rem 0 0">Lambda's REPORT line gives only the whole (Init Duration); the lab's worker times its own import() of the bundle, with no code added to the bundle.</p>
  </div>`;
};
