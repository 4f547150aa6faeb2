import type { StepResult } from "./run.js";

const RESULT: Record<StepResult["status"], string> = { pass: "PASS", fail: "FAIL", skip: "SKIP" };
const DETAIL_WIDTH = 100;

export const formatDuration = (ms: number, status: StepResult["status"]): string => {
  if (status === "skip") return "—";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
};

const cut = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

/** The pass/fail table for a terminal or a CI log, then each failure's resource and cause in full. */
export const renderTable = (title: string, results: readonly StepResult[]): string => {
  const rows = results.map((r) => [
    r.name,
    RESULT[r.status],
    formatDuration(r.durationMs, r.status),
    r.detail,
  ]);
  const header = ["step", "result", "time", "detail"];
  const widths = [0, 1, 2].map((i) => Math.max(header[i]!.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `  ${cells[0]!.padEnd(widths[0]!)}  ${cells[1]!.padEnd(widths[1]!)}  ${cells[2]!.padStart(widths[2]!)}  ${cut(cells[3]!, DETAIL_WIDTH)}`;
  const failures = results.filter((r) => r.status === "fail");
  const total = results.reduce((sum, r) => sum + r.durationMs, 0);
  const out = [title, line(header), ...rows.map(line), ""];
  if (failures.length === 0) {
    out.push(
      `PASSED: ${results.filter((r) => r.status === "pass").length} steps in ${formatDuration(total, "pass")}`,
    );
  } else {
    out.push(`FAILED: ${failures.length} of ${results.length} steps`);
    for (const f of failures) {
      out.push(`  ✗ ${f.name}${f.resource ? ` — ${f.resource}` : ""}`);
      out.push(`      what:  ${f.detail}`);
      out.push(`      cause: ${f.cause ?? "unknown"}`);
    }
  }
  return `${out.join("\n")}\n`;
};

const escapeCell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** The same table as GitHub-flavoured Markdown, for a workflow's step summary. */
export const renderMarkdown = (title: string, results: readonly StepResult[]): string => {
  const lines = [
    `### ${escapeCell(title)}`,
    "",
    "| step | result | time | detail | likely cause |",
    "| --- | --- | --- | --- | --- |",
    ...results.map(
      (r) =>
        `| ${escapeCell(r.name)} | ${r.status === "fail" ? "❌" : r.status === "pass" ? "✅" : "⏭️"} ${RESULT[r.status]} | ${formatDuration(r.durationMs, r.status)} | ${escapeCell(r.detail)} | ${escapeCell(r.cause ?? "")} |`,
    ),
    "",
  ];
  return `${lines.join("\n")}\n`;
};
