// @ts-check

import { batchFigures } from "../lib/batch-figures.js";
import { announce, byId, fromHtml } from "../lib/dom.js";
import { formatClock, formatMs, outcomeLabel } from "../lib/format.js";
import { html } from "../lib/html.js";
import { renderFields } from "../lib/report.js";

/**
 * Batch panel: run orphan-cleanup (dry run or real) and daily-stats now and show each run's report, and
 * the runs the schedules start (they arrive as `batch` events).
 *
 * @typedef {import("../lib/api.js").BatchRun} BatchRun
 * @typedef {{ runBatch: (functionId: string, options: { dryRun?: boolean; date?: string }) => Promise<BatchRun> }} RunApi
 */

const REPORTS_SHOWN = 6;

/** `YYYY-MM-DD` today in `timeZone` (daily-stats refuses days that have not begun there). @param {string} timeZone @param {Date} [now] */
export const todayIn = (timeZone, now = new Date()) =>
  new Intl.DateTimeFormat("en-CA", { timeZone }).format(now);

/**
 * What each button asks for. Daily stats are computed for today, so the uploads just made are counted
 * (the schedule itself computes yesterday).
 * @param {string} functionId @param {{ dryRun?: boolean; timeZone?: string }} options
 */
export const runOptions = (functionId, { dryRun, timeZone }) => {
  if (functionId === "orphan-cleanup") return { dryRun: dryRun === true };
  if (functionId === "daily-stats" && timeZone) return { date: todayIn(timeZone) };
  return {};
};

/** @param {BatchRun} run */
export const titleOf = (run) => {
  if (run.functionId === "orphan-cleanup")
    return `Orphan cleanup${run.dryRun === true ? " (dry run)" : run.dryRun === false ? " (real run)" : ""}`;
  if (run.functionId === "daily-stats") return "Daily stats";
  return run.functionId;
};

/** @param {unknown} value @returns {value is Record<string, unknown>} */
const isRecord = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/** The headline figures, each with its meaning. @param {import("../lib/batch-figures.js").Figure[]} figures */
const renderFigures = (figures) =>
  figures.length > 0 &&
  html`<dl class="figures" data-testid="report-figures">${figures.map(
    (f) =>
      html`<div><dt>${f.label}</dt><dd><strong>${typeof f.value === "number" ? f.value.toLocaleString("en-US") : f.value}</strong> <span class="hint">${f.meaning}</span></dd></div>`,
  )}</dl>`;

/** @param {BatchRun} run */
export const renderReport = (
  run,
) => html`<article class="report" data-testid="report-${run.functionId}" data-request-id="${run.requestId}" tabindex="-1">
    <h3>${titleOf(run)} <span class="badge" data-kind="${run.status}">${outcomeLabel(run.status)}</span>
      <span class="hint">${run.trigger === "schedule" ? "scheduled · " : ""}${formatClock(run.startedAt)} · ${formatMs(run.durationMs)}</span></h3>
    ${run.functionId === "orphan-cleanup" && run.dryRun === true && html`<p class="hint">A dry run deletes nothing: “would delete” counts what a real run would delete, and the deleted sample lists them.</p>`}
    ${renderFigures(batchFigures(run.functionId, run.result))}
    ${
      isRecord(run.result)
        ? batchFigures(run.functionId, run.result).length > 0
          ? html`<details class="report-fields"><summary>Every field of the report</summary>${renderFields(run.result)}</details>`
          : renderFields(run.result)
        : html`<pre>${typeof run.result === "string" ? run.result : JSON.stringify(run.result, null, 2)}</pre>`
    }
  </article>`;

/** @param {RunApi} api @param {() => string | undefined} timeZone */
export const createBatchPanel = (api, timeZone) => {
  const reports = byId("batch-reports");
  const buttons = /** @type {HTMLButtonElement[]} */ ([...document.querySelectorAll("[data-batch]")]);
  /** A run started here also arrives as a `batch` event: show it once. */
  const shown = new Set();

  /** @param {BatchRun} run */
  const show = (run) => {
    if (shown.has(run.requestId)) return;
    shown.add(run.requestId);
    reports.prepend(fromHtml(renderReport(run)));
    while (reports.children.length > REPORTS_SHOWN) reports.lastElementChild?.remove();
  };

  for (const button of buttons) {
    button.addEventListener("click", async () => {
      const functionId = button.dataset.batch ?? "";
      const dryRun = button.dataset.dryRun === "true";
      if (
        functionId === "orphan-cleanup" &&
        !dryRun &&
        !window.confirm("Delete every orphan older than the grace period?")
      )
        return;
      const tz = timeZone();
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      try {
        const run = await api.runBatch(
          functionId,
          runOptions(functionId, { dryRun, ...(tz ? { timeZone: tz } : {}) }),
        );
        show(run);
        announce(`${titleOf(run)}: ${outcomeLabel(run.status)}. The report is in the batch panel.`);
      } catch (error) {
        const message = /** @type {Error} */ (error).message;
        show({
          functionId,
          trigger: "run-now",
          dryRun,
          requestId: `failed-${Date.now()}`,
          startedAt: new Date().toISOString(),
          status: "failed",
          durationMs: Number.NaN,
          result: message,
        });
        announce(`${functionId} could not run: ${message}`);
      } finally {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      }
    });
  }

  return {
    /** @param {readonly BatchRun[]} runs oldest first */
    reset(runs) {
      for (const run of runs.slice(-REPORTS_SHOWN)) show(run);
    },
    show,
  };
};
