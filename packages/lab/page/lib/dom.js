// @ts-check
/** The few DOM helpers the panels share. */

/** @template {HTMLElement} T @param {string} id @returns {T} */
export const byId = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return /** @type {T} */ (element);
};

/** @param {Element} element @param {import("./html.js").SafeHtml} markup */
export const setHtml = (element, markup) => {
  element.innerHTML = markup.value;
};

/** @param {import("./html.js").SafeHtml} markup @returns {Element} */
export const fromHtml = (markup) => {
  const template = document.createElement("template");
  template.innerHTML = markup.value.trim();
  const element = template.content.firstElementChild;
  if (!element) throw new Error("empty markup");
  return element;
};

/**
 * Replaces `current` with `next`, keeping keyboard focus on the control that had it (matched by its
 * `data-focus-key`), so a live update never throws a keyboard user back to the top of the page.
 * @param {Element} current @param {Element} next
 */
export const replaceKeepingFocus = (current, next) => {
  const active = document.activeElement;
  const key = active && current.contains(active) ? active.getAttribute("data-focus-key") : null;
  current.replaceWith(next);
  if (key)
    /** @type {HTMLElement | null} */ (next.querySelector(`[data-focus-key="${CSS.escape(key)}"]`))?.focus();
};

/** Says something once to screen readers, through the page's polite live region. @param {string} text */
export const announce = (text) => {
  const region = document.getElementById("announcer");
  if (!region) return;
  // Clearing first makes a repeated message be read again.
  region.textContent = "";
  setTimeout(() => {
    region.textContent = text;
  }, 50);
};
