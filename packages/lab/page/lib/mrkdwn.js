// @ts-check
import { escapeHtml, trusted } from "./html.js";

/**
 * Slack mrkdwn → HTML, close to what the Slack client shows: *bold*, _italic_, ~strike~, `code`,
 * ```pre```, <url|label> links, <@user>/<!here> mentions, :emoji: shortcodes and line breaks.
 * Slack text arrives with &, <, > escaped; every `<…>` left is markup, everything else is literal.
 */

/** The shortcodes Lambda Lab's alerts use, plus common ones; unknown codes stay as text like Slack's fallback. */
const EMOJI = /** @type {Record<string, string>} */ ({
  rotating_light: "🚨",
  white_check_mark: "✅",
  grey_question: "❔",
  question: "❓",
  snail: "🐌",
  x: "❌",
  warning: "⚠️",
  fire: "🔥",
  hourglass: "⌛",
  hourglass_flowing_sand: "⏳",
  information_source: "ℹ️",
  boom: "💥",
  heavy_check_mark: "✔️",
  red_circle: "🔴",
  large_green_circle: "🟢",
  large_yellow_circle: "🟡",
  broom: "🧹",
  bar_chart: "📊",
  frame_with_picture: "🖼️",
  tada: "🎉",
  mag: "🔍",
  zap: "⚡",
  skull: "💀",
  wastebasket: "🗑️",
});

/**
 * Known shortcodes become the emoji inside a labelled span: screen readers say its name, and a machine with
 * no colour-emoji font shows `:name:` instead of an empty box (lib/emoji-support.js, styles.css).
 * @param {string} text
 */
export const emojify = (text) =>
  text.replace(/:([a-z0-9_+-]+):/g, (match, name) =>
    EMOJI[name]
      ? `<span class="emoji" data-name="${name}" role="img" aria-label="${name.replace(/_/g, " ")}">${EMOJI[name]}</span>`
      : match,
  );

/** @param {string} text */
const unescapeSlack = (text) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** Only web and mail links become anchors: a message must not be able to run script through `javascript:`. */
const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/** Plain text (header blocks, `plain_text` objects): escaped, emoji shortcodes replaced. @param {string} text */
export const plainToHtml = (text) => trusted(emojify(escapeHtml(unescapeSlack(text))).replace(/\n/g, "<br>"));

/** `<…>` references: links, user / channel mentions, special mentions. @param {string} inner */
const reference = (inner) => {
  const bar = inner.indexOf("|");
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : undefined;
  if (target.startsWith("@"))
    return `<span class="sk-mention">@${escapeHtml(unescapeSlack(label ?? target.slice(1)))}</span>`;
  if (target.startsWith("#"))
    return `<span class="sk-mention">#${escapeHtml(unescapeSlack(label ?? target.slice(1)))}</span>`;
  if (target.startsWith("!")) {
    const special = target.slice(1).split("^")[0] ?? "";
    return `<span class="sk-mention">@${escapeHtml(unescapeSlack(label ?? special))}</span>`;
  }
  const url = unescapeSlack(target);
  const text = escapeHtml(unescapeSlack(label ?? target));
  if (!SAFE_URL.test(url)) return text;
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
};

/** Span styles need a boundary on both sides, as in Slack: `a*b*c` stays literal. */
const BOUNDARY_BEFORE = "(^|[\\s(\\[{\"'\\uE000\\u2022-])";
const BOUNDARY_AFTER = "(?=$|[\\s)\\]}.,;:!?\"'\\uE000-])";
/** @param {string} marker @param {string} tag */
const spanStyle = (marker, tag) => {
  const m = marker.replace(/[*~]/g, "\\$&");
  const pattern = new RegExp(
    `${BOUNDARY_BEFORE}${m}([^${m}\\n]*[^${m}\\s][^${m}\\n]*?)${m}${BOUNDARY_AFTER}`,
    "g",
  );
  /** @param {string} text */
  return (text) => text.replace(pattern, (_all, before, inner) => `${before}<${tag}>${inner}</${tag}>`);
};
const bold = spanStyle("*", "strong");
const italic = spanStyle("_", "em");
const strike = spanStyle("~", "del");

/**
 * @param {string} text Slack mrkdwn, as a message's `mrkdwn` text object carries it
 * @returns {import("./html.js").SafeHtml}
 */
export const mrkdwnToHtml = (text) => {
  /** @type {string[]} */
  const tokens = [];
  // Tokens become placeholders delimited by a private-use character (removed from the input first), so
  // formatting and escaping never look inside them.
  const hold = (/** @type {string} */ markup) => `\uE000${tokens.push(markup) - 1}\uE000`;
  let rest = text
    .replace(/\uE000/g, "")
    .replace(/```([\s\S]*?)```/g, (_all, code) =>
      hold(`<pre class="sk-pre">${escapeHtml(unescapeSlack(code.replace(/^\n/, "")))}</pre>`),
    );
  rest = rest.replace(/`([^`\n]+)`/g, (_all, code) =>
    hold(`<code class="sk-code">${escapeHtml(unescapeSlack(code))}</code>`),
  );
  rest = rest.replace(/<([^<>\n]+)>/g, (_all, inner) => hold(reference(inner)));
  let out = escapeHtml(unescapeSlack(rest));
  out = strike(italic(bold(out)));
  out = emojify(out);
  // A blockquote line starts with "&gt;" once escaped.
  out = out
    .split("\n")
    .map((line) => (line.startsWith("&gt; ") ? `<span class="sk-quote">${line.slice(5)}</span>` : line))
    .join("\n");
  out = out.replace(/\n/g, "<br>");
  // Placeholders may nest (a code span inside a link label is not a thing in Slack, but be safe): loop.
  for (let guard = 0; out.includes("\uE000") && guard < 3; guard++) {
    out = out.replace(/\uE000(\d+)\uE000/g, (_all, index) => tokens[Number(index)] ?? "");
  }
  return trusted(out);
};
