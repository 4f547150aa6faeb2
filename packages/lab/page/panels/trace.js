// @ts-check
import { announce, byId, setHtml } from "../lib/dom.js";
import { formatClock } from "../lib/format.js";
import { html } from "../lib/html.js";

/**
 * The Trace panel: the path an object, an invocation or an alarm took, step by step with the reason at
 * each branch (GET /api/trace; src/trace/tracer.ts). Anything carrying `data-trace="<key|requestId|alarm>"`
 * opens its trace (the upload cards, their variants, each invocation row, the steps themselves), so does
 * the form, `#trace=<…>` and `#alarm=<name>` (the link a Slack card in the lab carries).
 *
 * @typedef {{
 *   at: number; kind: string; outcome: "ok" | "skipped" | "failed" | "waiting" | "info"; title: string; reason: string;
 *   functionId?: string; requestId?: string; attempt?: number
 * }} TraceStep
 * @typedef {{ query: Record<string, string>; found: boolean; summary: string; steps: TraceStep[]; requestIds: string[]; keys: string[] }} Trace
 */

/** The outcome as a badge kind the stylesheet already colours. */
const BADGE = /** @type {const} */ ({
  ok: "success",
  skipped: "orphan",
  failed: "failed",
  waiting: "running",
  info: "",
});
const LABEL = { ok: "ok", skipped: "no match", failed: "failed", waiting: "waiting", info: "·" };

/** @param {TraceStep} step @param {boolean} showRequest the first step of its request carries the link */
const renderStep = (
  step,
  showRequest,
) => html`<li data-testid="trace-step" data-kind="${step.kind}" data-outcome="${step.outcome}">
    <span class="hint">${formatClock(step.at)}</span>
    <span class="badge" data-kind="${BADGE[step.outcome]}">${LABEL[step.outcome]}</span>
    <strong>${step.title}</strong>
    ${step.requestId && showRequest && html` <button type="button" class="secondary" data-trace="${step.requestId}" title="Trace ${step.requestId}">${step.requestId.slice(0, 8)}…</button>`}
    <br><span data-testid="trace-reason">${step.reason}</span>
  </li>`;

/** @param {Trace} trace */
export const renderTrace = (trace) => {
  const what = trace.query.key ?? trace.query.requestId ?? trace.query.alarm ?? "";
  return html`<h3>Trace of <code>${what}</code></h3>
    <p class="reason" data-testid="trace-summary" data-found="${String(trace.found)}"><strong>${trace.found ? "What happened:" : "Nothing known:"}</strong> ${trace.summary}</p>
    ${trace.steps.length > 0 && html`<ol class="trace-steps" data-testid="trace-steps">${trace.steps.map((s, i) => renderStep(s, s.requestId !== trace.steps[i - 1]?.requestId))}</ol>`}`;
};

export const createTracePanel = () => {
  const panel = byId("trace");
  const form = /** @type {HTMLFormElement} */ (byId("trace-form"));
  const input = /** @type {HTMLInputElement} */ (byId("trace-query"));
  const result = byId("trace-result");

  /** @param {string} param @param {string} value @param {{ scroll?: boolean }} [options] */
  const show = async (param, value, options = {}) => {
    input.value = value;
    result.textContent = "Tracing…";
    if (options.scroll) panel.scrollIntoView({ block: "start" });
    try {
      const response = await fetch(`/api/trace?${param}=${encodeURIComponent(value)}`);
      const body = await response.json();
      /** @type {Trace | undefined} */
      const trace = response.ok ? body : body.trace;
      if (!trace) throw new Error(body.error ?? `HTTP ${response.status}`);
      setHtml(result, renderTrace(trace));
      announce(`Trace: ${trace.summary}`);
    } catch (error) {
      result.textContent = `Could not trace it: ${/** @type {Error} */ (error).message}`;
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (value) void show("q", value);
  });
  document.addEventListener("click", (event) => {
    const target = /** @type {HTMLElement | null} */ (
      /** @type {HTMLElement} */ (event.target).closest("[data-trace]")
    );
    const value = target?.dataset.trace;
    if (!value) return;
    event.preventDefault();
    void show("q", value, { scroll: !panel.contains(target) });
  });
  const fromHash = () => {
    const match = /^#(alarm|trace)=(.+)$/.exec(window.location.hash);
    if (!match) return;
    let value = match[2] ?? "";
    try {
      value = decodeURIComponent(value);
    } catch {
      // A malformed escape: trace the text as it is.
    }
    void show(match[1] === "alarm" ? "alarm" : "q", value, { scroll: true });
  };
  window.addEventListener("hashchange", fromHash);
  fromHash();
};
