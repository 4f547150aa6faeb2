/** The Block Kit subset these messages use (https://api.slack.com/reference/block-kit/blocks). */
export interface TextObject {
  type: "plain_text" | "mrkdwn";
  text: string;
  emoji?: boolean;
}
export type Block =
  | { type: "header"; text: TextObject }
  | { type: "section"; text?: TextObject; fields?: TextObject[] }
  | { type: "context"; elements: TextObject[] }
  | { type: "divider" };

/**
 * An incoming-webhook message. Blocks sit inside one attachment because only attachments carry the
 * colour bar that shows severity; `text` is the notification / fallback line.
 */
export interface SlackMessage {
  text: string;
  attachments: [{ color: string; blocks: Block[] }];
}

export const COLOURS = {
  alarm: "#E01E5A",
  ok: "#2EB67D",
  insufficientData: "#9E9E9E",
  warning: "#ECB22E",
} as const;

/** Slack's limits: header 150, section text 3,000, field 2,000, 50 blocks, 10 fields / context elements. */
export const LIMITS = { header: 150, sectionText: 3_000, field: 2_000, blocks: 50, fields: 10 } as const;

export const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** User text in mrkdwn: `&`, `<`, `>` must be escaped or Slack reads them as markup (links, mentions). */
export const escapeText = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A code block that cannot be closed early by the text inside it. */
export const codeBlock = (text: string) => `\`\`\`${escapeText(text).replace(/```/g, "`\u200b``")}\`\`\``;

export const link = (url: string, label: string) => `<${url}|${escapeText(label).replace(/\|/g, "¦")}>`;

export const header = (text: string): Block => ({
  type: "header",
  text: { type: "plain_text", text: cut(text, LIMITS.header), emoji: true },
});
export const section = (markdown: string): Block => ({
  type: "section",
  text: { type: "mrkdwn", text: cut(markdown, LIMITS.sectionText) },
});
export const fields = (entries: readonly (readonly [label: string, markdown: string])[]): Block => ({
  type: "section",
  fields: entries
    .slice(0, LIMITS.fields)
    .map(([label, value]) => ({ type: "mrkdwn", text: cut(`*${label}*\n${value}`, LIMITS.field) })),
});
export const context = (...markdown: string[]): Block => ({
  type: "context",
  elements: markdown.slice(0, 10).map((text) => ({ type: "mrkdwn", text: cut(text, LIMITS.sectionText) })),
});
export const divider: Block = { type: "divider" };

export const message = (text: string, color: string, blocks: Block[]): SlackMessage => ({
  text: cut(text, LIMITS.sectionText),
  attachments: [{ color, blocks: blocks.slice(0, LIMITS.blocks) }],
});
