// @ts-check
/** Markup built by `html`: every interpolated value was escaped, so it is safe to insert with innerHTML. */
export class SafeHtml {
  /** @param {string} value */
  constructor(value) {
    this.value = value;
  }
  toString() {
    return this.value;
  }
}

/** @type {Record<string, string>} */
const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** @param {unknown} text */
export const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** @typedef {SafeHtml | string | number | boolean | null | undefined} Scalar */
/** @typedef {Scalar | readonly (Scalar | readonly Scalar[])[]} Interpolation */

/** @param {Interpolation | readonly Scalar[]} value @returns {string} */
const part = (value) => {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(part).join("");
  return escapeHtml(value);
};

/**
 * Tagged template: `html\`<li>${name}</li>\`` escapes `name`; nested `html` results and arrays of them are
 * kept as markup. `null`, `undefined` and `false` render nothing, so `${cond && html\`…\`}` works.
 * @param {TemplateStringsArray} strings
 * @param {...Interpolation} values
 */
export const html = (strings, ...values) =>
  new SafeHtml(strings.reduce((out, s, i) => out + s + (i < values.length ? part(values[i]) : ""), ""));

/** Markup produced by our own renderers (already escaped); never pass user text here. @param {string} markup */
export const trusted = (markup) => new SafeHtml(markup);
