// @ts-check
import { announceText, renderSlackMessage } from "../lib/block-kit.js";
import { announce, byId, fromHtml } from "../lib/dom.js";

/**
 * Alerts panel: the messages the Slack sink received, newest first, in Slack's look.
 * @typedef {import("../lib/api.js").SlackEntry} SlackEntry
 */

const MESSAGES_SHOWN = 50;

export const createAlertsPanel = () => {
  const list = byId("slack-messages");
  const empty = byId("slack-empty");
  /** @type {Set<number | string>} */
  const seen = new Set();

  /** @param {SlackEntry} entry */
  const add = (entry) => {
    if (seen.has(entry.id)) return false;
    seen.add(entry.id);
    const element = fromHtml(renderSlackMessage(entry.payload ?? {}, { receivedAt: entry.receivedAt }));
    element.setAttribute("data-testid", "slack-message");
    list.prepend(element);
    while (list.children.length > MESSAGES_SHOWN) list.lastElementChild?.remove();
    empty.hidden = true;
    return true;
  };

  return {
    /** @param {readonly SlackEntry[]} entries oldest first, as the sink stores them */
    reset(entries) {
      for (const entry of entries.slice(-MESSAGES_SHOWN)) add(entry);
      empty.hidden = seen.size > 0;
    },
    /** @param {SlackEntry} entry */
    received(entry) {
      if (add(entry)) announce(`Slack: ${announceText(entry.payload ?? {})}`);
    },
  };
};
