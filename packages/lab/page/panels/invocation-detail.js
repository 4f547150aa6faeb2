// @ts-check
import { byId, fromHtml, setHtml } from "../lib/dom.js";
import { formatMs, outcomeLabel } from "../lib/format.js";
import { html } from "../lib/html.js";
import { renderInitSplit } from "../lib/init-split.js";

/**
 * Invocation detail and filters for the Invocations panel's table: click (or Enter on) a row to see that
 * invocation as CloudWatch Logs would — START, its lines, END, REPORT — with the request id, the response
 * or error, init duration and memory (GET /api/invocations/:requestId); filter the rows by function and
 * outcome. Rows carry data-function and data-status (panels/invocations.js).
 *
 * @typedef {{
 *   requestId: string; functionId: string; attempt: number; invocationType: string; source: string; status: string;
 *   cold: boolean; initDurationMs: number | null; initSplit?: import("../lib/init-split.js").InitSplit | null; durationMs: number; billedDurationMs: number; maxMemoryUsedMb: number;
 *   memorySizeMb: number; startedAt: string; event?: unknown; response?: unknown; error?: unknown; errorType?: string;
 *   log: string[]
 * }} Attempt
 */

/** @param {unknown} value */
const pretty = (value) => (typeof value === "string" ? value : JSON.stringify(value, null, 2));

/** @param {Attempt} a */
export const renderAttempt = (a) => html`<section class="attempt" data-testid="invocation-attempt">
    <h4>${a.functionId} · attempt ${a.attempt} · <span class="badge" data-kind="${a.status}">${outcomeLabel(a.status)}</span>
      ${a.cold ? html`<span class="badge" data-kind="cold">cold</span>` : html`<span class="badge">warm</span>`}</h4>
    <dl class="detail-figures">
      <dt>Request id</dt><dd><code>${a.requestId}</code></dd>
      <dt>Trigger</dt><dd>${a.source}${a.invocationType === "Event" ? " (async)" : ""}</dd>
      <dt>Init duration</dt><dd>${a.initDurationMs === null ? "– (warm: no init)" : formatMs(a.initDurationMs)}${renderInitSplit(a.initSplit, a.initDurationMs)}</dd>
      <dt>Duration</dt><dd>${formatMs(a.durationMs)} (billed ${formatMs(a.billedDurationMs)})</dd>
      <dt>Memory used</dt><dd>${a.maxMemoryUsedMb} of ${a.memorySizeMb} MB</dd>
    </dl>
    <h5>Log (as CloudWatch Logs shows it)</h5>
    <pre class="detail-log" data-testid="invocation-log">${a.log.join("\n")}</pre>
    ${a.event !== undefined && html`<h5>Event</h5><pre data-testid="invocation-event">${pretty(a.event)}</pre>`}
    ${
      a.error !== undefined
        ? html`<h5>Error${a.errorType ? ` (${a.errorType})` : ""}</h5><pre data-testid="invocation-error">${pretty(a.error)}</pre>`
        : html`<h5>Response</h5><pre data-testid="invocation-response">${pretty(a.response)}</pre>`
    }
  </section>`;

/** Whether a row passes the filters. @param {{ function?: string; status?: string }} row @param {{ functionId: string; outcome: string }} filter */
export const matchesFilter = (row, filter) =>
  (!filter.functionId || row.function === filter.functionId) &&
  (!filter.outcome ||
    (filter.outcome === "failed" ? row.status !== "success" : row.status === filter.outcome));

export const createInvocationDetail = () => {
  const rows = byId("invocation-rows");
  const wrap = rows.closest(".table-wrap");
  if (!wrap) return;
  const filters =
    fromHtml(html`<form class="invocation-filters" data-testid="invocation-filters" aria-label="Filter invocations">
    <label>Function <select name="functionId" data-testid="filter-function"><option value="">all</option></select></label>
    <label>Outcome <select name="outcome" data-testid="filter-outcome">
      <option value="">all</option><option value="success">OK</option><option value="failed">any failure</option>
      <option value="error">error</option><option value="timeout">timeout</option>
    </select></label>
    <span class="hint">Click an invocation for its log, response and REPORT.</span>
  </form>`);
  const detail = /** @type {HTMLElement} */ (
    fromHtml(
      html`<div class="invocation-detail" data-testid="invocation-detail" hidden tabindex="-1" aria-live="polite"></div>`,
    )
  );
  wrap.before(filters);
  wrap.after(detail);
  const functionSelect = /** @type {HTMLSelectElement} */ (filters.querySelector("[name=functionId]"));
  const outcomeSelect = /** @type {HTMLSelectElement} */ (filters.querySelector("[name=outcome]"));

  const apply = () => {
    const filter = { functionId: functionSelect.value, outcome: outcomeSelect.value };
    const seen = new Set([...functionSelect.options].map((o) => o.value));
    for (const row of /** @type {HTMLElement[]} */ ([...rows.querySelectorAll("tr")])) {
      row.hidden = !matchesFilter(row.dataset, filter);
      const id = row.dataset.function;
      if (id && !seen.has(id)) {
        seen.add(id);
        functionSelect.append(new Option(id, id));
      }
    }
  };
  filters.addEventListener("change", apply);
  // New rows arrive live: filter them as they come.
  new MutationObserver(apply).observe(rows, { childList: true });

  /** @param {string} requestId */
  const show = async (requestId) => {
    detail.hidden = false;
    detail.textContent = "Loading…";
    try {
      const response = await fetch(`/api/invocations/${encodeURIComponent(requestId)}`);
      const body = await response.json();
      if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
      setHtml(
        detail,
        html`<h3>Invocation <code>${requestId}</code> <button type="button" class="secondary" data-close>Close</button></h3>
          ${/** @type {Attempt[]} */ (body.attempts).map(renderAttempt)}`,
      );
    } catch (error) {
      detail.textContent = `Could not load it: ${/** @type {Error} */ (error).message}`;
    }
    detail.focus();
  };
  detail.addEventListener("click", (event) => {
    if (/** @type {HTMLElement} */ (event.target).closest("[data-close]")) detail.hidden = true;
  });
  /** @param {Event} event */
  const open = (event) => {
    const row = /** @type {HTMLElement | null} */ (
      /** @type {HTMLElement} */ (event.target).closest("tr[data-request-id]")
    );
    if (row?.dataset.requestId) void show(row.dataset.requestId);
  };
  // `#invocation=<requestId>`: the link a Slack card in the lab can carry to open this invocation.
  const fromHash = () => {
    const id = /^#invocation=([A-Za-z0-9-]+)$/.exec(window.location.hash)?.[1];
    if (id) void show(id);
  };
  window.addEventListener("hashchange", fromHash);
  fromHash();
  rows.addEventListener("click", open);
  rows.addEventListener("keydown", (event) => {
    if (event.key === "Enter") open(event);
  });
};
