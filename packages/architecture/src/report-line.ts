/**
 * Lambda's REPORT line, parsed: what each invocation was billed for. The same parser reads the lab's lines
 * and real CloudWatch ones:
 * `REPORT RequestId: … Duration: 12.34 ms Billed Duration: 13 ms Memory Size: 256 MB Max Memory Used: 71 MB Init Duration: 512.34 ms`
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html). Since 2025-08-01 the billed duration
 * of an on-demand cold start includes its init duration.
 */

export interface ReportFigures {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  status?: string;
}

export class ReportLineError extends Error {
  override name = "ReportLineError";
}

const FIELD = {
  requestId: /RequestId: (\S+)/,
  durationMs: /(?:^|\s)Duration: ([\d.]+) ms/,
  billedDurationMs: /Billed Duration: ([\d.]+) ms/,
  memorySizeMb: /Memory Size: (\d+) MB/,
  maxMemoryUsedMb: /Max Memory Used: (\d+) MB/,
  initDurationMs: /Init Duration: ([\d.]+) ms/,
  status: /Status: (\S+)/,
} as const;

export const parseReportLine = (line: string): ReportFigures => {
  if (!line.startsWith("REPORT "))
    throw new ReportLineError(`not a REPORT line (it must start with "REPORT "): ${line.slice(0, 80)}`);
  const get = (key: keyof typeof FIELD) => FIELD[key].exec(line)?.[1];
  const number = (key: keyof typeof FIELD, required: boolean): number | undefined => {
    const raw = get(key);
    if (raw === undefined) {
      if (required) throw new ReportLineError(`REPORT line without ${key}: ${line.slice(0, 120)}`);
      return undefined;
    }
    return Number(raw);
  };
  const requestId = get("requestId");
  if (!requestId) throw new ReportLineError(`REPORT line without a RequestId: ${line.slice(0, 120)}`);
  const figures: ReportFigures = {
    requestId,
    durationMs: number("durationMs", true)!,
    billedDurationMs: number("billedDurationMs", true)!,
    memorySizeMb: number("memorySizeMb", true)!,
    maxMemoryUsedMb: number("maxMemoryUsedMb", true)!,
  };
  const init = number("initDurationMs", false);
  if (init !== undefined) figures.initDurationMs = init;
  const status = get("status");
  if (status) figures.status = status;
  return figures;
};
