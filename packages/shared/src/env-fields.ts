/**
 * Field schemas more than one environment reads, stated once: each function's env.ts and the stack config
 * (packages/infra) compose them, so a rule such as "which time zones exist" has one answer.
 */
import * as z from "zod/mini";
import { splitList } from "./env.js";

/** An http(s) URL, trailing slashes dropped: the local lab's S3 server (`S3_ENDPOINT`). Unset in AWS. */
export const S3Endpoint = z.pipe(
  z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://127.0.0.1:4569" }),
  z.transform((value: string) => value.replace(/\/+$/, "")),
);

let icuZoneIds: ReadonlySet<string> | undefined;

/**
 * The canonical name of an IANA time zone (`"asia/seoul"` → `"Asia/Seoul"`, `"US/Eastern"` →
 * `"America/New_York"`), or undefined when the runtime's ICU data does not know the zone. Fixed offsets
 * such as `+09:00` are refused: a stack's day follows its zone's rules, DST included. Names are resolved,
 * not looked up in `Intl.supportedValuesOf("timeZone")`: that list holds one spelling per zone (ICU's, e.g.
 * `Asia/Calcutta`), so it refuses current IANA names such as `Asia/Kolkata` and `Europe/Kyiv`. That list
 * still answers for the names it holds: each is ICU's canonical id, the formatter's answer for it (tested
 * over the whole list). Reading it costs ~2 ms at init, where the first `Intl.DateTimeFormat` loads ICU's
 * formatting data (~13 ms of a cold start), so a formatter is built only for the other spellings.
 */
export const canonicalTimeZone = (name: string): string | undefined => {
  if (!/^[A-Za-z]/.test(name)) return undefined;
  icuZoneIds ??= new Set(Intl.supportedValuesOf("timeZone"));
  if (icuZoneIds.has(name)) return name;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
};

const TIME_ZONE_MESSAGE = "is not an IANA time zone such as Asia/Seoul or America/New_York";

/** An IANA time zone name, kept as written (the stack passes it on to Scheduler and the functions). */
export const TimeZone = z
  .string()
  .check(z.refine((name) => canonicalTimeZone(name) !== undefined, TIME_ZONE_MESSAGE));

/** An IANA time zone name, normalised to its canonical spelling, so one zone is never stored under two names. */
export const CanonicalTimeZone = z.pipe(
  z.string(),
  z.transform((name: string, ctx) => {
    const canonical = canonicalTimeZone(name);
    if (canonical !== undefined) return canonical;
    ctx.issues.push({ code: "custom", message: TIME_ZONE_MESSAGE, input: name });
    return z.NEVER;
  }),
);

/**
 * A whole number written in decimal digits, within `[min, max]`. Stricter than `z.coerce.number()`, which
 * reads "" and " " as 0 (an empty DEDUP_WINDOW_SECONDS would silently mean "off") and "1e3" or "0x10" as
 * numbers.
 */
export const wholeNumber = ({
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
}: {
  min?: number;
  max?: number;
} = {}) =>
  z.pipe(
    z.string().check(z.regex(/^\d+$/, "must be a whole number written in digits, such as 10")),
    z
      .transform(Number)
      .check(z.refine((n: number) => n >= min && n <= max, `must be between ${min} and ${max}`)),
  );

/** A whole number of at least 1 (and at most `max`). */
export const positiveInteger = (max?: number) => wholeNumber({ min: 1, max });

/**
 * A comma-separated subset of `allowed`, case-insensitive, de-duplicated in first-seen order
 * (`" AVIF, webp ,avif"` → `["avif", "webp"]`). An empty list or an unknown entry is refused with the list
 * of allowed values.
 */
export const subsetList = <T extends string>(allowed: readonly T[]) =>
  z.pipe(
    z.string(),
    z.transform((value: string, ctx): T[] => {
      const entries = splitList(value.toLowerCase());
      const unknown = entries.filter((entry) => !(allowed as readonly string[]).includes(entry));
      if (unknown.length > 0 || entries.length === 0) {
        ctx.issues.push({
          code: "custom",
          message: `${unknown.length > 0 ? `unsupported ${unknown.join(", ")}; ` : "empty list; "}use a comma-separated subset of ${allowed.join(", ")}`,
          input: value,
        });
        return z.NEVER;
      }
      return [...new Set(entries)] as T[];
    }),
  );
