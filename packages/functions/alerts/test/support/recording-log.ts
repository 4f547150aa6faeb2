import type { Log } from "../../src/log.js";

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  attributes: Record<string, unknown>;
}

/** A Log that keeps every entry, so tests can assert what was said — and that no secret was. */
export const createRecordingLog = (): Log & { entries: LogEntry[]; text(): string } => {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry["level"]) =>
    (message: string, ...attributes: Record<string, unknown>[]) =>
      void entries.push({ level, message, attributes: Object.assign({}, ...attributes) });
  return {
    entries,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    text: () => JSON.stringify(entries),
  };
};
