// @ts-check
import { html } from "./html.js";

/**
 * Concurrent executions of one function over the last minutes, as a step line (the value holds until the
 * next change), against its reserved concurrency as a dashed line; 429s are red ticks on the time axis.
 * SVG, no chart library: a few dozen points per function.
 *
 * @typedef {import("./state.js").FunctionState} FunctionState
 * @typedef {{ now: number; windowMs: number; width?: number; height?: number }} ChartOptions
 */

const PAD = { left: 22, right: 6, top: 8, bottom: 16 };

/**
 * The step path's points in data space: one point where each change happens, clipped to the window.
 * @param {readonly import("./state.js").Sample[]} samples @param {number} start @param {number} end
 * @returns {{ t: number; value: number }[]}
 */
export const stepPoints = (samples, start, end) => {
  let current = 0;
  /** @type {{ t: number; value: number }[]} */
  const points = [];
  for (const sample of samples) {
    if (sample.t <= start) {
      current = sample.value;
      continue;
    }
    if (sample.t > end) break;
    if (points.length === 0) points.push({ t: start, value: current });
    points.push({ t: sample.t, value: current }, { t: sample.t, value: sample.value });
    current = sample.value;
  }
  if (points.length === 0) points.push({ t: start, value: current });
  points.push({ t: end, value: current });
  return points;
};

/** The y axis goes a little past the larger of the limit and the peak, so both lines are visible. @param {FunctionState} fn @param {number} peakInWindow */
export const yMaxOf = (fn, peakInWindow) => Math.max(1, fn.reservedConcurrency ?? 0, peakInWindow) + 1;

/** @param {FunctionState} fn @param {ChartOptions} options */
export const renderConcurrencyChart = (fn, { now, windowMs, width = 240, height = 84 }) => {
  const start = now - windowMs;
  const points = stepPoints(fn.samples, start, now);
  const peak = Math.max(...points.map((p) => p.value));
  const yMax = yMaxOf(fn, peak);
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (/** @type {number} */ t) => PAD.left + ((t - start) / windowMs) * plotW;
  const y = (/** @type {number} */ v) => PAD.top + plotH - (v / yMax) * plotH;
  const round = (/** @type {number} */ n) => Math.round(n * 10) / 10;
  const path = points.map((p, i) => `${i === 0 ? "M" : "L"}${round(x(p.t))},${round(y(p.value))}`).join(" ");
  const area = `${path} L${round(x(now))},${round(y(0))} L${round(x(start))},${round(y(0))} Z`;
  const limit = fn.reservedConcurrency;
  const throttles = fn.throttleTimes.filter((t) => t >= start && t <= now);
  const reloads = (fn.reloads ?? []).filter((r) => r.t >= start && r.t <= now);
  const minutes = Math.round(windowMs / 60_000);
  const label =
    `${fn.id}: ${fn.concurrent} running now, peak ${peak} in the last ${minutes} min` +
    (limit !== null ? `, reserved concurrency ${limit}` : ", no reserved concurrency") +
    (throttles.length > 0 ? `, ${throttles.length} throttled` : "") +
    (reloads.length > 0
      ? `, code reloaded ${reloads.length} ${reloads.length === 1 ? "time" : "times"}`
      : "");
  const gridValues = yMax <= 4 ? [...Array(yMax + 1).keys()] : [0, Math.round(yMax / 2), yMax];
  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}">
    ${gridValues.map((v) => html`<line class="chart-grid" x1="${PAD.left}" x2="${width - PAD.right}" y1="${round(y(v))}" y2="${round(y(v))}"></line><text class="chart-tick" x="${PAD.left - 4}" y="${round(y(v)) + 3}" text-anchor="end">${v}</text>`)}
    <path class="chart-area" d="${area}"></path>
    <path class="chart-line" d="${path}"></path>
    ${limit !== null && html`<line class="chart-limit" x1="${PAD.left}" x2="${width - PAD.right}" y1="${round(y(limit))}" y2="${round(y(limit))}"></line>`}
    ${throttles.map((t) => html`<line class="chart-throttle" x1="${round(x(t))}" x2="${round(x(t))}" y1="${height - PAD.bottom}" y2="${height - PAD.bottom + 6}"></line>`)}
    ${reloads.map((r) => html`<g class="chart-reload" data-ok="${r.ok ? "true" : "false"}"><line x1="${round(x(r.t))}" x2="${round(x(r.t))}" y1="${PAD.top}" y2="${height - PAD.bottom}"></line><text x="${round(x(r.t)) + 2}" y="${PAD.top + 7}">${r.ok ? "↻" : "✕"}</text></g>`)}
    <text class="chart-tick" x="${PAD.left}" y="${height - 3}">−${minutes} min</text>
    <text class="chart-tick" x="${width - PAD.right}" y="${height - 3}" text-anchor="end">now</text>
  </svg>`;
};
