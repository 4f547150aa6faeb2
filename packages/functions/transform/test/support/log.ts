import type { HandlerLog } from "../../src/handler.js";

export interface RecordedLine {
  level: "info" | "warn" | "error";
  message: string;
  extra: Record<string, unknown>[];
}

/** A logger that keeps its lines, so tests stay quiet and can read what was logged. */
export const createRecordingLog = (): HandlerLog & { lines: RecordedLine[] } => {
  const lines: RecordedLine[] = [];
  const at =
    (level: RecordedLine["level"]) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      void lines.push({ level, message, extra });
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
};
