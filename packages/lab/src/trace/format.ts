import type { Trace, TraceStep } from "./tracer.js";

const MARK: Record<TraceStep["outcome"], string> = {
  ok: "✓",
  skipped: "–",
  failed: "✗",
  waiting: "…",
  info: "·",
};

const clock = (at: number) => new Date(at).toISOString().slice(11, 23);

/** A trace as the terminal shows it: the answer first, then one line per step with its reason under it. */
export const formatTrace = (trace: Trace): string =>
  [
    trace.summary,
    ...trace.steps.flatMap((s) => [
      `${clock(s.at)}  ${MARK[s.outcome]} ${s.title}${s.requestId ? `  [${s.requestId}]` : ""}`,
      `              ${s.reason}`,
    ]),
  ].join("\n");
