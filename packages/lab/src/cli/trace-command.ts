import { formatTrace } from "../trace/format.js";
import type { Trace } from "../trace/tracer.js";

export interface TraceCommandIo {
  /** The result (stdout). */
  out(text: string): void;
  /** Everything else: errors, hints (stderr). */
  err(text: string): void;
}

/**
 * `lab trace <key|requestId|alarm>` against a running lab's API: the trace on stdout (text, or `--json`),
 * exit 0; nothing known about it: the reason on stderr, exit 1; the lab unreachable or refusing: exit 1.
 */
export const traceCommand = async (
  options: { query: string | undefined; api: string; json: boolean },
  io: TraceCommandIo,
): Promise<number> => {
  if (!options.query) {
    io.err("lab trace: name an object key, a request id or an alarm (pnpm lab trace uploads/…/photo.jpg)");
    return 2;
  }
  let response: Response;
  try {
    response = await fetch(`${options.api}/trace?q=${encodeURIComponent(options.query)}`);
  } catch (error) {
    io.err(`lab trace: the lab at ${options.api} does not answer (${(error as Error).message})`);
    return 1;
  }
  const body = (await response.json().catch(() => undefined)) as
    | (Partial<Trace> & { error?: string; trace?: Trace })
    | undefined;
  if (response.status === 404 && body?.trace) {
    io.err(`nothing known: ${body.trace.summary}`);
    return 1;
  }
  if (!response.ok || !body || body.steps === undefined) {
    io.err(`lab trace: ${response.status} ${body?.error ?? "unexpected answer"}`);
    return 1;
  }
  io.out(options.json ? JSON.stringify(body, null, 2) : formatTrace(body as Trace));
  return 0;
};
