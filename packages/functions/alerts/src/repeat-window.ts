export type RepeatLookup =
  /** Not reported within the window: report it, with the repeats counted since its last report. */
  | { status: "new"; earlierRepeats: number }
  /** Reported `reportedAt` (epoch ms), still within the window: count it instead of posting again. */
  | { status: "repeat"; reportedAt: number };

/**
 * Remembers which normalised statements were posted to Slack recently (per warm container: a cold start
 * forgets, which at worst posts a statement once more). Lookups change nothing; the handler marks a
 * statement reported only after Slack accepted the message, so a failed post is retried in full.
 */
export interface RepeatWindow {
  lookup(fingerprint: string, now: number): RepeatLookup;
  markReported(fingerprint: string, now: number): void;
  countRepeats(fingerprint: string, count: number): void;
}

interface Seen {
  reportedAt: number;
  repeats: number;
}

/** `windowMs` 0 turns counting off. `maxEntries` bounds memory; the oldest report is forgotten first. */
export const createRepeatWindow = (windowMs: number, maxEntries = 5_000): RepeatWindow => {
  const seen = new Map<string, Seen>();
  return {
    lookup(fingerprint, now) {
      const entry = seen.get(fingerprint);
      if (windowMs > 0 && entry && now - entry.reportedAt < windowMs) {
        return { status: "repeat", reportedAt: entry.reportedAt };
      }
      return { status: "new", earlierRepeats: entry?.repeats ?? 0 };
    },
    markReported(fingerprint, now) {
      if (windowMs === 0) return;
      seen.delete(fingerprint); // re-insert so Map order stays oldest-report-first for eviction
      seen.set(fingerprint, { reportedAt: now, repeats: 0 });
      while (seen.size > maxEntries) seen.delete(seen.keys().next().value as string);
    },
    countRepeats(fingerprint, count) {
      const entry = seen.get(fingerprint);
      if (entry) entry.repeats += count;
    },
  };
};
