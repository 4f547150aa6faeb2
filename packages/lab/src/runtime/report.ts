/** What the lab knows about one finished invocation, enough to print Lambda's REPORT line. */
export interface ReportFigures {
  requestId: string;
  durationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** Only on a cold start: the time from the worker's spawn to its first request for work. */
  initDurationMs?: number | undefined;
  status?: "timeout" | "error" | undefined;
  errorType?: string | undefined;
}

/**
 * Billed duration, rounded up to the millisecond. Since August 2025 Lambda bills the INIT phase of on-demand
 * functions too, so a cold start's billed duration includes its init duration.
 */
export const billedDurationMs = (durationMs: number, initDurationMs = 0): number =>
  Math.max(1, Math.ceil(durationMs + initDurationMs));

/** `REPORT RequestId: … Duration: 4.37 ms Billed Duration: 5 ms Memory Size: 128 MB Max Memory Used: 65 MB …` */
export const formatReportLine = (r: ReportFigures): string =>
  [
    `REPORT RequestId: ${r.requestId}`,
    `Duration: ${r.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${billedDurationMs(r.durationMs, r.initDurationMs)} ms`,
    `Memory Size: ${r.memorySizeMb} MB`,
    `Max Memory Used: ${r.maxMemoryUsedMb} MB`,
    ...(r.initDurationMs !== undefined ? [`Init Duration: ${r.initDurationMs.toFixed(2)} ms`] : []),
    ...(r.status ? [`Status: ${r.status}`] : []),
    ...(r.status === "error" && r.errorType ? [`Error Type: ${r.errorType}`] : []),
  ].join("\t");

/** Lambda's own words for a stopped invocation: `<time> <id> Task timed out after 3.00 seconds`. */
export const timeoutMessage = (requestId: string, timeoutSeconds: number, at = new Date()): string =>
  `${at.toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;

/** The message a crashed runtime produces (process exit mid-invocation). */
export const exitMessage = (requestId: string, code: number | null, signal: string | null): string =>
  `RequestId: ${requestId} Error: Runtime exited with error: ${signal ? `signal: ${SIGNAL_WORDS[signal] ?? signal}` : `exit status ${code ?? 0}`}`;

// Lambda's runtime supervisor is written in Go and words signals the way Go's os/exec does.
const SIGNAL_WORDS: Record<string, string> = {
  SIGKILL: "killed",
  SIGTERM: "terminated",
  SIGSEGV: "segmentation fault",
  SIGABRT: "aborted",
};
