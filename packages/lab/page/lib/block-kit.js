// @ts-check
import { formatClock } from "./format.js";
import { html, trusted } from "./html.js";
import { mrkdwnToHtml, plainToHtml } from "./mrkdwn.js";

/**
 * Renders an incoming-webhook payload the way the Slack client lays it out: the app's name and time, the
 * message text, then each attachment with its colour bar and its blocks (header, section, fields, context,
 * divider). Covers the Block Kit subset the alerts function sends, plus legacy attachment fields.
 *
 * @typedef {{ type: "plain_text" | "mrkdwn"; text: string; emoji?: boolean }} TextObject
 * @typedef {{ type: string; text?: TextObject; fields?: TextObject[]; elements?: ({ type: string; text?: string; alt_text?: string })[]; alt_text?: string; title?: TextObject }} Block
 * @typedef {{ color?: string; blocks?: Block[]; title?: string; title_link?: string; text?: string; pretext?: string; fields?: { title?: string; value?: string; short?: boolean }[]; footer?: string; fallback?: string }} Attachment
 * @typedef {{ text?: string; blocks?: Block[]; attachments?: Attachment[]; username?: string }} SlackMessage
 */

/** Slack's named attachment colours. */
const NAMED_COLOURS = /** @type {Record<string, string>} */ ({
  good: "#2EB67D",
  warning: "#ECB22E",
  danger: "#E01E5A",
});
const DEFAULT_BAR = "#DDDDDD";

/** A CSS-safe colour: Slack's names or a hex value (with or without `#`); anything else gets the grey bar. @param {string | undefined} colour */
export const barColour = (colour) => {
  if (!colour) return DEFAULT_BAR;
  const named = NAMED_COLOURS[colour.toLowerCase()];
  if (named) return named;
  const hex = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour.trim());
  return hex ? `#${hex[1]}` : DEFAULT_BAR;
};

/** @param {TextObject | undefined} text */
const textObject = (text) => {
  if (!text || typeof text.text !== "string") return trusted("");
  return text.type === "mrkdwn" ? mrkdwnToHtml(text.text) : plainToHtml(text.text);
};

/** @param {Block} block */
export const renderBlock = (block) => {
  switch (block.type) {
    case "header":
      return html`<div class="sk-header" role="heading" aria-level="4">${textObject(block.text)}</div>`;
    case "section":
      return html`<div class="sk-section">
        ${block.text && html`<div class="sk-text">${textObject(block.text)}</div>`}
        ${block.fields && html`<div class="sk-fields">${block.fields.map((f) => html`<div class="sk-field">${textObject(f)}</div>`)}</div>`}
      </div>`;
    case "context":
      return html`<div class="sk-context">${(block.elements ?? []).map((e) =>
        e.type === "image"
          ? html`<span class="sk-context-img" aria-label="${e.alt_text ?? "image"}">▣</span>`
          : html`<span>${textObject(/** @type {TextObject} */ (e))}</span>`,
      )}</div>`;
    case "divider":
      return html`<hr class="sk-divider">`;
    case "image":
      return html`<div class="sk-section sk-muted">[image: ${block.alt_text ?? ""}]</div>`;
    default:
      return html`<div class="sk-section sk-muted">[${block.type} block]</div>`;
  }
};

/** @param {Attachment} attachment */
const renderAttachment = (
  attachment,
) => html`<div class="sk-attachment" style="--sk-bar: ${barColour(attachment.color)}">
    <div class="sk-bar" aria-hidden="true"></div>
    <div class="sk-attachment-body">
      ${attachment.pretext && html`<div class="sk-text">${mrkdwnToHtml(attachment.pretext)}</div>`}
      ${attachment.title && html`<div class="sk-title">${plainToHtml(attachment.title)}</div>`}
      ${attachment.text && html`<div class="sk-text">${mrkdwnToHtml(attachment.text)}</div>`}
      ${attachment.fields?.length && html`<div class="sk-fields">${attachment.fields.map((f) => html`<div class="sk-field ${f.short ? "" : "sk-field-wide"}"><strong>${f.title ?? ""}</strong><br>${mrkdwnToHtml(f.value ?? "")}</div>`)}</div>`}
      ${(attachment.blocks ?? []).map(renderBlock)}
      ${attachment.footer && html`<div class="sk-context"><span>${mrkdwnToHtml(attachment.footer)}</span></div>`}
    </div>
  </div>`;

/**
 * @param {SlackMessage} message
 * @param {{ receivedAt?: string | number; appName?: string }} [meta]
 */
export const renderSlackMessage = (message, meta = {}) => {
  const appName = meta.appName ?? message.username ?? "Lambda Lab alerts";
  const blocks = message.blocks ?? [];
  const attachments = message.attachments ?? [];
  // Slack shows `text` as the message body only when there are no top-level blocks (it is their fallback).
  const showText = message.text && blocks.length === 0;
  return html`<article class="sk-message">
    <div class="sk-avatar" aria-hidden="true">λ</div>
    <div class="sk-content">
      <div class="sk-meta"><span class="sk-name">${appName}</span> <span class="sk-app">APP</span>
        ${meta.receivedAt !== undefined && html`<time class="sk-time" datetime="${new Date(meta.receivedAt).toISOString()}">${formatClock(meta.receivedAt)}</time>`}
      </div>
      ${showText && html`<div class="sk-text">${mrkdwnToHtml(message.text ?? "")}</div>`}
      ${blocks.map(renderBlock)}
      ${attachments.map(renderAttachment)}
    </div>
  </article>`;
};

/** The line a screen reader announces for a new message: its fallback text or its header. @param {SlackMessage} message */
export const announceText = (message) => {
  if (message.text) return message.text;
  const header = [
    ...(message.blocks ?? []),
    ...(message.attachments ?? []).flatMap((a) => a.blocks ?? []),
  ].find((b) => b.type === "header");
  return header?.text?.text ?? message.attachments?.[0]?.fallback ?? "new message";
};
