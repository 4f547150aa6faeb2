// @ts-check
import { byId, setHtml } from "../lib/dom.js";
import { formatMs } from "../lib/format.js";
import { html } from "../lib/html.js";

/**
 * Cost panel: what the lab's invocations would have cost on AWS (GET /api/cost), priced from each REPORT
 * line by @lambda-lab/architecture: running totals per function, the other architecture beside them, the
 * last burst, and the power-tuning view (a model, marked as one).
 *
 * @typedef {{ memorySizeMb: number; architecture: string; meanDurationMs: number; totalUsd: number }} TuningCell
 * @typedef {{
 *   functionId: string; invocations: number; coldStarts: number; billedMs: number; gbSeconds: number;
 *   memorySizeMb: number; architecture: string; totalUsd: number;
 *   otherArchitecture: { architecture: string; totalUsd: number };
 *   tuning: { modelled: number; cells: TuningCell[] };
 * }} FunctionCost
 * @typedef {{
 *   available: boolean; reason?: string; region: string; architecture: string; pricesAsOf?: string;
 *   warning?: string; totalUsd: number; invocations: number; functions: FunctionCost[];
 *   memorySizes: number[]; model: string;
 * }} CostSnapshot
 * @typedef {{ functionId: string; count: number; cost?: { totalUsd: number; otherArchitecture: { architecture: string; totalUsd: number } } }} BurstCostEvent
 */

/** Dollars to three significant digits, never rounded to $0.00: one invocation costs millionths. @param {number} usd */
export const formatUsd = (usd) => {
  if (!Number.isFinite(usd)) return "–";
  if (usd === 0) return "$0";
  if (Math.abs(usd) >= 0.01) return `$${usd.toFixed(2)}`;
  const decimals = Math.min(20, 2 - Math.floor(Math.log10(Math.abs(usd))));
  return `$${usd.toFixed(decimals).replace(/0+$/, "")}`;
};

/** The cheapest cell of a function's tuning view, for the hint. @param {FunctionCost} fn */
export const cheapest = (fn) =>
  fn.tuning.cells.reduce(
    /** @param {TuningCell | undefined} best @param {TuningCell} c */
    (best, c) => (!best || c.totalUsd < best.totalUsd ? c : best),
    undefined,
  );

/** @param {CostSnapshot} snapshot */
export const renderSummary = (snapshot) => {
  if (!snapshot.available)
    return html`<p class="hint" data-testid="cost-summary">No prices for ${snapshot.region}: ${snapshot.reason ?? ""}</p>`;
  const other = snapshot.functions.reduce((s, f) => s + f.otherArchitecture.totalUsd, 0);
  const otherArch = snapshot.architecture === "arm64" ? "x86_64" : "arm64";
  return html`<p class="totals" data-testid="cost-summary">${snapshot.invocations} invocations would have cost
      <strong>${formatUsd(snapshot.totalUsd)}</strong> on ${snapshot.architecture} in ${snapshot.region}
      (${formatUsd(other)} on ${otherArch}); prices of ${snapshot.pricesAsOf ?? "?"}.</p>
    ${snapshot.warning && html`<p class="error">${snapshot.warning}</p>`}`;
};

/** @param {CostSnapshot} snapshot */
export const renderFunctions = (snapshot) =>
  html`<table class="cost-table" data-testid="cost-functions">
    <caption>Per function, as billed (billed duration includes INIT since August 2025)</caption>
    <thead><tr><th scope="col">Function</th><th scope="col" class="num">Calls</th><th scope="col" class="num">Cold</th>
      <th scope="col" class="num">Billed</th><th scope="col" class="num">Memory</th>
      <th scope="col" class="num">Cost (${snapshot.architecture})</th><th scope="col" class="num">Other arch</th></tr></thead>
    <tbody>${snapshot.functions.map(
      (
        f,
      ) => html`<tr data-function="${f.functionId}"><th scope="row">${f.functionId}</th><td class="num">${f.invocations}</td>
        <td class="num">${f.coldStarts}</td><td class="num">${formatMs(f.billedMs)}</td><td class="num">${f.memorySizeMb} MB</td>
        <td class="num">${formatUsd(f.totalUsd)}</td><td class="num">${formatUsd(f.otherArchitecture.totalUsd)} (${f.otherArchitecture.architecture})</td></tr>`,
    )}</tbody>
  </table>`;

/** One function's power-tuning view: memory sizes down, architectures across. @param {FunctionCost} fn @param {CostSnapshot} snapshot */
export const renderTuning = (fn, snapshot) => {
  if (fn.tuning.modelled === 0)
    return html`<p class="hint">No CPU time measured for ${fn.functionId} yet: nothing to model.</p>`;
  const best = cheapest(fn);
  const cell = (/** @type {number} */ mem, /** @type {string} */ arch) =>
    fn.tuning.cells.find((c) => c.memorySizeMb === mem && c.architecture === arch);
  const archs = ["arm64", "x86_64"];
  return html`<table class="cost-table tuning" data-testid="cost-tuning-${fn.functionId}">
    <caption>${fn.functionId}: the same ${fn.tuning.modelled} invocations at other memory sizes — <strong>a model</strong></caption>
    <thead><tr><th scope="col">Memory</th>${archs.map((a) => html`<th scope="col" class="num">${a}</th>`)}</tr></thead>
    <tbody>${snapshot.memorySizes.map(
      (
        mem,
      ) => html`<tr${mem === fn.memorySizeMb ? html` class="current"` : ""}><th scope="row">${mem} MB${mem === 1769 ? " (1 vCPU)" : ""}${mem === fn.memorySizeMb ? " · configured" : ""}</th>
        ${archs.map((a) => {
          const c = cell(mem, a);
          const mark =
            c && best && c.memorySizeMb === best.memorySizeMb && c.architecture === best.architecture;
          return html`<td class="num${mark ? " best" : ""}">${c ? `${formatUsd(c.totalUsd)} · ${formatMs(c.meanDurationMs)}` : "–"}</td>`;
        })}</tr>`,
    )}</tbody>
  </table>`;
};

/** @param {BurstCostEvent} burst @param {string} architecture */
export const renderBurst = (burst, architecture) =>
  burst.cost
    ? html`<p class="result" data-testid="cost-burst">The last burst (${burst.count} × ${burst.functionId}) would have cost
        <strong>${formatUsd(burst.cost.totalUsd)}</strong> on ${architecture}
        (${formatUsd(burst.cost.otherArchitecture.totalUsd)} on ${burst.cost.otherArchitecture.architecture}).</p>`
    : html``;

/** @param {{ cost: () => Promise<CostSnapshot> }} api */
export const createCostPanel = (api) => {
  const summary = byId("cost-summary");
  const functions = byId("cost-functions");
  const tuning = byId("cost-tuning");
  const tuningSelect = /** @type {HTMLSelectElement} */ (byId("cost-tuning-function"));
  const burst = byId("cost-burst");
  const model = byId("cost-model");
  /** @type {CostSnapshot | undefined} */
  let last;
  let timer = 0;

  const drawTuning = () => {
    const fn = last?.functions.find((f) => f.functionId === tuningSelect.value) ?? last?.functions[0];
    if (!last || !fn) {
      tuning.textContent = "";
      return;
    }
    setHtml(tuning, renderTuning(fn, last));
  };
  const draw = (/** @type {CostSnapshot} */ snapshot) => {
    last = snapshot;
    setHtml(summary, renderSummary(snapshot));
    setHtml(functions, snapshot.functions.length > 0 ? renderFunctions(snapshot) : html``);
    model.textContent = snapshot.model;
    const chosen = tuningSelect.value;
    setHtml(
      tuningSelect,
      html`${snapshot.functions.map((f) => html`<option value="${f.functionId}">${f.functionId}</option>`)}`,
    );
    if (snapshot.functions.some((f) => f.functionId === chosen)) tuningSelect.value = chosen;
    drawTuning();
  };
  const refresh = async () => {
    try {
      draw(await api.cost());
    } catch {
      // The next invocation refreshes it.
    }
  };
  tuningSelect.addEventListener("change", drawTuning);

  return {
    refresh,
    /** Invocations arrive in bursts: one request per quarter second at most. */
    invocation() {
      clearTimeout(timer);
      timer = window.setTimeout(refresh, 250);
    },
    /** @param {BurstCostEvent} event */
    burst(event) {
      setHtml(burst, renderBurst(event, last?.architecture ?? ""));
    },
  };
};
