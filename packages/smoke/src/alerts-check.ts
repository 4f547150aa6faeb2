import type { LogLine } from "./ports.js";

/**
 * Reading the alerts function's log lines to tell whether it handled the test alarm. Pure; the lines come
 * from CloudWatch Logs (JSON log format) or the lab (Lambda's text format), so both shapes are read.
 */
export interface ReadLine {
  level: string | undefined;
  /** The message (for runtime error objects: `errorType: errorMessage`). */
  text: string;
  requestId: string | undefined;
  /** The whole line, for term matching. */
  raw: string;
}

/** `2026-11-25T17:00:00.000Z\t<request id>\tERROR\t<message>`: Lambda's text log format (and the lab's). */
const TEXT_LINE = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z\t([^\t]*)\t([A-Z]+)\t([\s\S]*)$/;

const textOf = (message: unknown): string => {
  if (typeof message === "string") return message;
  const m = message as { errorType?: unknown; errorMessage?: unknown } | null;
  if (m && typeof m === "object" && ("errorType" in m || "errorMessage" in m))
    return `${String(m.errorType ?? "Error")}: ${String(m.errorMessage ?? "")}`;
  return JSON.stringify(message);
};

/**
 * One line as Powertools writes it (`{ level, message, function_request_id, … }`), as Lambda's JSON format
 * writes runtime lines (`{ timestamp, level, requestId, message }`), or in the text format.
 */
export const readLine = (line: LogLine): ReadLine => {
  const raw = line.message.trim();
  if (raw.startsWith("{")) {
    try {
      const o = JSON.parse(raw) as Record<string, unknown>;
      const requestId = o.function_request_id ?? o.requestId ?? line.requestId;
      const extra = typeof o.error === "string" ? ` (${o.error})` : "";
      return {
        level: typeof o.level === "string" ? o.level.toUpperCase() : undefined,
        text: `${textOf(o.message)}${extra}`,
        requestId: typeof requestId === "string" ? requestId : undefined,
        raw,
      };
    } catch {
      // not JSON after all: read it as text below
    }
  }
  const m = TEXT_LINE.exec(raw);
  if (m)
    return {
      level: m[2],
      text: m[3]!.replace(/^Invoke Error \t/, ""),
      requestId: m[1] && m[1] !== "undefined" ? m[1] : line.requestId,
      raw,
    };
  return { level: undefined, text: raw, requestId: line.requestId, raw };
};

/** What alerts logs once Slack accepted a message (packages/functions/alerts/src/alerts.ts). */
export const POSTED_MESSAGE = "posted to Slack";

export type AlertsVerdict =
  | { outcome: "posted"; requestId: string | undefined }
  | { outcome: "failed"; errors: ReadLine[] }
  | { outcome: "waiting" };

/**
 * `posted` once a "posted to Slack" line names the test alarm; `failed` when ERROR lines were logged since the
 * publish and no such line appeared; otherwise `waiting`. The caller gives errors a grace period, since an
 * ERROR from an unrelated event can precede our own success line.
 */
export const judgeAlerts = (
  alarmName: string,
  found: readonly LogLine[],
  errors: readonly LogLine[],
): AlertsVerdict => {
  const posted = found
    .map(readLine)
    .find((l) => l.text.includes(POSTED_MESSAGE) && l.raw.includes(alarmName));
  if (posted) return { outcome: "posted", requestId: posted.requestId };
  const failures = errors.map(readLine).filter((l) => l.level === "ERROR" || l.level === "FATAL");
  return failures.length > 0 ? { outcome: "failed", errors: failures } : { outcome: "waiting" };
};
