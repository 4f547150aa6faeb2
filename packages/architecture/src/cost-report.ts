/**
 * The idle cost as people read it: a terminal table, a Markdown table for docs/deploy.md, the price list
 * with its sources, and the compact summary a later run compares against (PR cost delta).
 */
import type { CostLine, IdleCost } from "./idle-cost.js";
import { delta, money, unitUsd } from "./money.js";
import { flattenPrices, type PriceTable, type Verification } from "./prices.js";

export interface CostSummary {
  stack: string;
  region: string;
  pricesAsOf: string;
  totalUsd: number;
  lines: { id: string; resource: string; monthlyUsd: number }[];
}

const cents = (n: number) => Math.round(n * 100) / 100;

export const summarize = (cost: IdleCost): CostSummary => ({
  stack: cost.stack,
  region: cost.region,
  pricesAsOf: cost.pricesAsOf,
  totalUsd: cents(cost.totalUsd),
  lines: cost.lines.map((l) => ({ id: l.id, resource: l.resource, monthlyUsd: cents(l.monthlyUsd) })),
});

const quantity = (l: CostLine) => {
  const q = Number.isInteger(l.quantity) ? String(l.quantity) : l.quantity.toFixed(1);
  return `${q} ${l.unit}`;
};
const keysOf = (l: CostLine) => (l.configKeys.length > 0 ? l.configKeys.join(", ") : "—");
const CHECKED: Record<Verification, string> = {
  "price-list": "AWS price list",
  secondary: "third-party copy of the price list",
  rule: "AWS billing rule",
  unverified: "**not verified**",
};

const escapeCell = (s: string) => s.replace(/\|/g, "\\|");
const row = (cells: string[]) => `| ${cells.map(escapeCell).join(" | ")} |`;

export const markdownTable = (cost: IdleCost): string => {
  const lines = [
    row(["Resource", "Quantity", "Unit price", "Idle / month", "Then per use", "Config keys"]),
    row(["---", "---", "---", "---:", "---", "---"]),
    ...cost.lines.map((l) =>
      row([
        l.note ? `${l.resource} (${l.note})` : l.resource,
        quantity(l),
        `${unitUsd(l.price.usd)}/${l.price.per}${l.price.verified === "unverified" ? " ¹" : ""}`,
        money(l.monthlyUsd),
        l.perUse ?? "—",
        l.configKeys.length > 0 ? l.configKeys.map((k) => `\`${k}\``).join(", ") : "—",
      ]),
    ),
    row([`**Total, ${cost.stack} idle**`, "", "", `**${money(cost.totalUsd)}**`, "", ""]),
  ];
  return lines.join("\n");
};

/** Column-aligned plain text for the terminal. */
export const textTable = (cost: IdleCost): string => {
  const clip = (t: string) => (t.length > 72 ? `${t.slice(0, 71)}…` : t);
  const body = cost.lines.map((l) => [
    clip(l.resource),
    quantity(l),
    `${unitUsd(l.price.usd)}/${l.price.per}`,
    money(l.monthlyUsd),
    keysOf(l),
    l.perUse ? `+ ${l.perUse}` : "",
  ]);
  const header = ["resource", "quantity", "unit price", "idle/month", "config keys", "per use"];
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const total = `${"".padEnd((widths[0] ?? 0) + (widths[1] ?? 0) + (widths[2] ?? 0) + 4)}  ${money(cost.totalUsd).padStart(widths[3] ?? 0)}  total, idle`;
  const unpriced =
    cost.unpriced.length > 0
      ? `\nnot priced (no rule for these types yet): ${cost.unpriced.map((u) => `${u.type} ×${u.names.length}`).join(", ")}`
      : "";
  return `${fmt(header)}\n${body.map(fmt).join("\n")}\n${total}${unpriced}`;
};

export const priceListMarkdown = (table: PriceTable): string =>
  [
    row(["Price", "Figure", "Checked against", "Source", "Note"]),
    row(["---", "---:", "---", "---", "---"]),
    ...flattenPrices(table).map(({ path, price }) =>
      row([
        `\`${path}\``,
        `${unitUsd(price.usd)} / ${price.per}`,
        CHECKED[price.verified],
        `<${price.source}>`,
        price.note ?? "",
      ]),
    ),
  ].join("\n");

/** The PR comment's cost delta: what changed line by line, and the new total. */
export const compareMarkdown = (base: CostSummary | undefined, head: CostSummary): string => {
  if (!base)
    return `**Idle cost, ${head.stack}: ${money(head.totalUsd)}/month** (no figures for the base to compare with)`;
  const ids = [...new Set([...base.lines.map((l) => l.id), ...head.lines.map((l) => l.id)])];
  const changed = ids.flatMap((id) => {
    const before = base.lines.find((l) => l.id === id);
    const after = head.lines.find((l) => l.id === id);
    const b = before?.monthlyUsd ?? 0;
    const a = after?.monthlyUsd ?? 0;
    if (before && after && cents(a - b) === 0) return [];
    if (!before && !after) return [];
    const what = after?.resource ?? before?.resource ?? id;
    const change = !before ? "added" : !after ? "removed" : "changed";
    return [row([what, change, money(b), money(a), delta(a - b)])];
  });
  const headline = `**Idle cost, ${head.stack}: ${money(base.totalUsd)} → ${money(head.totalUsd)}/month (${delta(head.totalUsd - base.totalUsd)})**`;
  if (changed.length === 0) return `${headline}\n\nNo line changed.`;
  return [
    headline,
    "",
    row(["Line", "", "Before", "After", "Δ / month"]),
    row(["---", "---", "---:", "---:", "---:"]),
    ...changed,
  ].join("\n");
};
