// @ts-check
import { renderConcurrencyChart } from "../lib/chart.js";
import { announce, byId, fromHtml, setHtml } from "../lib/dom.js";
import { formatClock, formatMs, outcomeLabel, plural } from "../lib/format.js";
import { html } from "../lib/html.js";
import {
  recordConcurrency,
  recordDebugger,
  recordInvocation,
  recordReload,
  recordStart,
  recordThrottle,
  totals,
} from "../lib/state.js";

/**
 * Invocations panel: per-function concurrency charts against reserved concurrency, the burst control and
 * the live list. Charts redraw at most once per animation frame and once a second to slide the window.
 *
 * @typedef {import("../lib/state.js").LabState} LabState
 * @typedef {import("../lib/state.js").Invocation} Invocation
 * @typedef {{ burst: (functionId: string, count: number) => Promise<import("../lib/api.js").BurstResult> }} BurstApi
 */

const CHART_WINDOW_MS = 2 * 60_000;
const ROWS_SHOWN = 100;

/** @param {Invocation} inv */
export const renderRow = (inv) => {
  const memory =
    inv.maxMemoryUsedMb !== undefined
      ? `${inv.maxMemoryUsedMb} / ${inv.memorySizeMb ?? "?"} MB`
      : inv.memorySizeMb !== undefined
        ? `– / ${inv.memorySizeMb} MB`
        : "–";
  const retry = inv.attempt !== undefined && inv.attempt > 1 ? ` · retry ${inv.attempt - 1}` : "";
  return html`<tr data-testid="invocation-row" data-request-id="${inv.requestId}" data-function="${inv.functionId}" data-status="${inv.status}" tabindex="0" title="${inv.report ?? ""}">
    <td>${formatClock(inv.endedAt ?? inv.startedAt ?? Date.now())}</td>
    <td>${inv.functionId}</td>
    <td>${inv.cold ? html`<span class="badge" data-kind="cold">cold</span>` : html`<span class="badge">warm</span>`}</td>
    <td class="num" data-label="duration">${formatMs(inv.durationMs)}</td>
    <td class="num" data-label="init">${inv.cold ? formatMs(inv.initDurationMs) : "–"}</td>
    <td class="num" data-label="memory">${memory}</td>
    <td><span class="badge" data-kind="${inv.status}">${outcomeLabel(inv.status)}</span>${inv.errorType && html` <span class="hint">${inv.errorType}</span>`}</td>
    <td>${inv.source ?? ""}${inv.invocationType === "Event" ? " (async)" : ""}${retry}
      ${inv.requestId && html`<button type="button" class="secondary" data-trace="${inv.requestId}" data-testid="trace-invocation" title="The path this invocation took">trace</button>`}</td>
  </tr>`;
};

/**
 * Under a chart's title: the runtime the function's environments run, "paused in debugger" while a
 * breakpoint holds it (`pnpm dev --inspect`), and the last reload when it failed (the old code serves on).
 * @param {import("../lib/state.js").FunctionState} fn
 */
export const renderFunctionStatus = (fn) => {
  const failed = fn.reloads.at(-1)?.ok === false ? fn.reloads.at(-1) : undefined;
  return html`<p class="function-status" data-testid="status-${fn.id}">
    ${fn.runtime && html`<span class="runtime" title="${fn.nodeVersion ? `Node.js ${fn.nodeVersion} in every environment` : ""}">${fn.runtime}</span>`}
    ${fn.inspectorPort !== undefined && html` <span class="badge" data-kind="debug" title="inspector on 127.0.0.1:${fn.inspectorPort}">inspect :${fn.inspectorPort}</span>`}
    ${fn.debuggerPaused && html` <span class="badge" data-kind="paused" data-testid="paused-${fn.id}">paused in debugger</span>`}
    ${failed && html` <span class="badge" data-kind="failed" title="${failed.error ?? ""}">reload failed: old code serving</span>`}
  </p>`;
};

/** @param {LabState} state @param {BurstApi} api */
export const createInvocationsPanel = (state, api) => {
  const charts = byId("charts");
  const rows = byId("invocation-rows");
  const totalsLine = byId("invocation-totals");
  const burstForm = /** @type {HTMLFormElement} */ (byId("burst-form"));
  const burstSelect = /** @type {HTMLSelectElement} */ (byId("burst-function"));
  const burstCount = /** @type {HTMLInputElement} */ (byId("burst-count"));
  const burstButton = /** @type {HTMLButtonElement} */ (byId("burst-submit"));
  const burstResult = byId("burst-result");
  let frame = 0;

  const drawCharts = () => {
    frame = 0;
    const now = Date.now();
    setHtml(
      charts,
      html`${[...state.functions.values()].map(
        (fn) => html`<div class="chart-card" data-testid="chart-${fn.id}">
          <h3><span>${fn.id}</span>
            <span class="now">${fn.concurrent}${fn.reservedConcurrency !== null ? ` / ${fn.reservedConcurrency}` : ""}</span></h3>
          ${renderFunctionStatus(fn)}
          ${renderConcurrencyChart(fn, { now, windowMs: CHART_WINDOW_MS })}
          <p class="throttled" data-testid="throttles-${fn.id}">${fn.throttled > 0 ? `${plural(fn.throttled, "throttle")} (429)` : html`&nbsp;`}</p>
        </div>`,
      )}`,
    );
    const t = totals(state);
    setHtml(
      totalsLine,
      html`<strong>${t.running}</strong> running · last ${t.shown}: <strong>${t.cold}</strong> cold, <strong>${t.warm}</strong> warm,
        <strong>${t.errors}</strong> failed · <strong data-testid="total-throttles">${t.throttled}</strong> throttled (429)`,
    );
  };
  const scheduleDraw = () => {
    if (!frame) frame = requestAnimationFrame(drawCharts);
  };
  // Slide the time window; skipped while the tab is hidden (requestAnimationFrame does not run then).
  setInterval(scheduleDraw, 1_000);

  const fillSelect = () => {
    const selected = burstSelect.value;
    setHtml(
      burstSelect,
      html`${[...state.functions.values()].map(
        (fn) =>
          html`<option value="${fn.id}">${fn.id}${fn.reservedConcurrency !== null ? ` (reserved ${fn.reservedConcurrency})` : ""}</option>`,
      )}`,
    );
    // The upload API is the synchronous function a visitor would burst; keep a choice already made.
    burstSelect.value =
      selected || (state.functions.has("upload") ? "upload" : (burstSelect.options[0]?.value ?? ""));
  };

  /** @param {readonly Invocation[]} list */
  const showAll = (list) => {
    setHtml(rows, html`${list.slice(0, ROWS_SHOWN).map(renderRow)}`);
  };

  burstForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const count = Number(burstCount.value);
    if (!Number.isInteger(count) || count < 1 || count > 200) {
      burstResult.textContent = "Send between 1 and 200 requests.";
      burstCount.focus();
      return;
    }
    const functionId = burstSelect.value;
    burstButton.disabled = true;
    burstResult.textContent = `Sending ${count} requests to ${functionId}…`;
    try {
      const result = await api.burst(functionId, count);
      setHtml(
        burstResult,
        html`${result.count} sent to ${functionId} (limit ${result.limit}): <strong>${result.ok}</strong> OK,
          <span class="count-429" data-testid="burst-429">${result.throttled} × 429</span>${result.failed > 0 ? `, ${result.failed} failed` : ""}${result.cold > 0 ? `, ${result.cold} cold` : ""}`,
      );
      announce(`Burst of ${result.count}: ${result.ok} OK, ${result.throttled} throttled with 429`);
    } catch (error) {
      burstResult.textContent = `Burst failed: ${/** @type {Error} */ (error).message}`;
    } finally {
      burstButton.disabled = false;
    }
  });

  return {
    /** After a snapshot: functions, the list, the select. */
    reset() {
      fillSelect();
      showAll(state.invocations);
      scheduleDraw();
    },
    /** @param {Invocation} started */
    started(started) {
      recordStart(state, started);
      scheduleDraw();
    },
    /** @param {Invocation} record */
    finished(record) {
      recordInvocation(state, record);
      const row = fromHtml(html`<table><tbody>${renderRow(record)}</tbody></table>`).querySelector("tr");
      if (row) {
        row.classList.add("new");
        rows.prepend(row);
        while (rows.children.length > ROWS_SHOWN) rows.lastElementChild?.remove();
      }
      scheduleDraw();
    },
    /** @param {{ functionId: string; concurrent: number; at?: number }} event */
    concurrency(event) {
      recordConcurrency(state, event.functionId, event.concurrent, event.at ?? Date.now());
      scheduleDraw();
    },
    /** @param {{ functionId: string; at?: number }} event */
    throttle(event) {
      recordThrottle(state, event.functionId, event.at ?? Date.now());
      scheduleDraw();
    },
    /** A hot reload finished (or failed). @param {{ functionId: string; at?: number; ok: boolean; error?: string }} event */
    reload(event) {
      recordReload(state, event.functionId, { t: event.at ?? Date.now(), ok: event.ok, error: event.error });
      if (!event.ok) announce(`${event.functionId}: the reload failed; the previous code keeps serving`);
      scheduleDraw();
    },
    /** @param {{ functionId: string; state: "paused" | "resumed" }} event */
    debuggerState(event) {
      recordDebugger(state, event.functionId, event.state === "paused");
      scheduleDraw();
    },
  };
};
