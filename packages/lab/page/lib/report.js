// @ts-check
import { formatBytes, formatMs, humanise } from "./format.js";
import { html } from "./html.js";

/**
 * Renders a batch function's report (whatever fields it has) as a definition list: the page shows what
 * the function returned rather than a copy of its schema, so a new field appears without a page change.
 */

const LIST_LIMIT = 12;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
/** An object key or a file path (`uploads/2026/11/25/01J….jpg`): shown in code type, as the S3 console does. */
const KEY_LIKE = /^[\w.-]+\/[\w./-]*\.\w+$/;
/** camelCase / snake_case field names get readable labels; other keys (`image/jpeg`) are data, kept as they are. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

/** @param {unknown} value @returns {value is Record<string, unknown>} */
const isRecord = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/** @typedef {{ depth: number; bytes: boolean }} Context */

/** @param {unknown} value @param {Context} context @returns {import("./html.js").SafeHtml} */
const renderWith = (value, context) => {
  if (value === null || value === undefined) return html`<span class="muted">–</span>`;
  if (typeof value === "boolean") return html`${value ? "yes" : "no"}`;
  if (typeof value === "number")
    return context.bytes && value >= 1024
      ? html`${formatBytes(value)} <span class="muted">(${value.toLocaleString("en-US")} B)</span>`
      : html`${value.toLocaleString("en-US")}${context.bytes ? " B" : ""}`;
  if (typeof value === "string") {
    if (ISO_INSTANT.test(value))
      return html`<time datetime="${value}">${value.replace("T", " ").replace(/\.\d+/, "")}</time>`;
    return KEY_LIKE.test(value) ? html`<code>${value}</code>` : html`${value}`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return html`<span class="muted">none</span>`;
    if (value.every((v) => !isRecord(v) && !Array.isArray(v))) {
      const shown = value.slice(0, LIST_LIMIT);
      return html`<ul>${shown.map((v) => html`<li>${renderWith(v, { ...context, depth: context.depth + 1 })}</li>`)}${
        value.length > LIST_LIMIT && html`<li>…and ${value.length - LIST_LIMIT} more</li>`
      }</ul>`;
    }
    return html`<details><summary>${value.length} ${value.length === 1 ? "entry" : "entries"}</summary><pre>${JSON.stringify(value, null, 2)}</pre></details>`;
  }
  if (isRecord(value)) {
    if (context.depth >= 2) return html`<pre>${JSON.stringify(value, null, 2)}</pre>`;
    return fields(value, { ...context, depth: context.depth + 1 });
  }
  return html`${String(value)}`;
};

/** @param {Record<string, unknown>} record @param {Context} context */
const fields = (record, context) =>
  html`<dl>${Object.entries(record).map(([key, value]) => {
    // A `…Ms` number is a duration, shown as the invocation list shows times; a `…bytes…` field is a size.
    if (/Ms$/.test(key) && typeof value === "number")
      return html`<dt>${humanise(key.slice(0, -2))}</dt><dd>${formatMs(value)}</dd>`;
    const label = IDENTIFIER.test(key) ? humanise(key) : key;
    return html`<dt>${label}</dt><dd>${renderWith(value, { ...context, bytes: context.bytes || /bytes/i.test(key) })}</dd>`;
  })}</dl>`;

/** @param {unknown} value */
export const renderValue = (value) => renderWith(value, { depth: 0, bytes: false });

/** @param {Record<string, unknown>} record */
export const renderFields = (record) => fields(record, { depth: 0, bytes: false });
