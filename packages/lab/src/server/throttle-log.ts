import type { EventEmitter } from "node:events";

/** How many 429 times are kept per function: more than the page's 5-minute chart window ever draws. */
const MAX_TIMES = 2_000;

export interface ThrottleSummary {
  /** 429s since the lab started. */
  count: number;
  /** When the latest of them happened (epoch ms), oldest first: the red ticks on the page's chart. */
  times: number[];
}

/**
 * The 429s the runtime answered, per function, kept by the lab so the page's counts and chart ticks
 * come from the server and survive a reload (they were only counted in the browser).
 */
export const createThrottleLog = (
  events: EventEmitter<{ throttle: [{ functionId: string; at: number }] }> | EventEmitter,
) => {
  const log = new Map<string, ThrottleSummary>();
  (events as EventEmitter).on("throttle", (t: { functionId: string; at: number }) => {
    const entry = log.get(t.functionId) ?? { count: 0, times: [] };
    entry.count++;
    entry.times.push(t.at);
    if (entry.times.length > MAX_TIMES) entry.times.splice(0, entry.times.length - MAX_TIMES);
    log.set(t.functionId, entry);
  });
  return {
    snapshot: (): Record<string, ThrottleSummary> =>
      Object.fromEntries([...log].map(([id, s]) => [id, { count: s.count, times: [...s.times] }])),
  };
};
