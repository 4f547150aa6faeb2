import { describe, expect, it } from "vitest";
import type * as z from "zod/mini";
import {
  CanonicalTimeZone,
  canonicalTimeZone,
  positiveInteger,
  S3Endpoint,
  subsetList,
  TimeZone,
  wholeNumber,
} from "../src/env-fields.js";
import { IN_ENGLISH } from "../src/zod-english.js";

const messagesOf = (schema: z.ZodMiniType, value: unknown): string[] => {
  const result = schema.safeParse(value, IN_ENGLISH);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

describe("S3Endpoint", () => {
  it("takes an http(s) URL and drops trailing slashes", () => {
    expect(S3Endpoint.parse("http://127.0.0.1:4569/")).toBe("http://127.0.0.1:4569");
    expect(S3Endpoint.parse("https://s3.local.test//")).toBe("https://s3.local.test");
  });

  it.each(["localhost:4569", "ftp://127.0.0.1:4569", "127.0.0.1", ""])("refuses %j", (value) => {
    expect(messagesOf(S3Endpoint, value)).toEqual(["must be an http(s) URL such as http://127.0.0.1:4569"]);
  });
});

describe("time zones", () => {
  it("accepts current IANA names that Intl.supportedValuesOf leaves out", () => {
    // ICU lists one spelling per zone (Asia/Calcutta, Europe/Kiev); both spellings are IANA names.
    for (const zone of ["Asia/Kolkata", "Europe/Kyiv", "Asia/Seoul", "UTC", "America/New_York"]) {
      expect(TimeZone.parse(zone)).toBe(zone);
    }
  });

  it("refuses offsets, unknown zones and the empty name, naming what it wants", () => {
    for (const value of ["+09:00", "Asia/Busan", "Mars/Olympus", ""]) {
      expect(messagesOf(TimeZone, value)).toEqual([
        "is not an IANA time zone such as Asia/Seoul or America/New_York",
      ]);
      expect(messagesOf(CanonicalTimeZone, value)).toHaveLength(1);
    }
  });

  it("normalises aliases and case to one canonical spelling", () => {
    expect(CanonicalTimeZone.parse("US/Eastern")).toBe("America/New_York");
    expect(CanonicalTimeZone.parse("asia/seoul")).toBe("Asia/Seoul");
    expect(canonicalTimeZone("Asia/Kolkata")).toBe(canonicalTimeZone("Asia/Calcutta"));
  });

  it("answers every zone ICU lists as the formatter would", () => {
    // The list is the shortcut canonicalTimeZone takes; it must never disagree with the formatter.
    const listed = Intl.supportedValuesOf("timeZone");
    expect(listed.length).toBeGreaterThan(300);
    for (const zone of listed) {
      const formatter = new Intl.DateTimeFormat("en-US", { timeZone: zone });
      expect(canonicalTimeZone(zone)).toBe(formatter.resolvedOptions().timeZone);
    }
  });

  it("builds a formatter only for a name ICU does not list (a cold start's ICU data load)", () => {
    const Original = Intl.DateTimeFormat;
    let built = 0;
    Intl.DateTimeFormat = class extends Original {
      constructor(...args: ConstructorParameters<typeof Original>) {
        super(...args);
        built += 1;
      }
    } as typeof Intl.DateTimeFormat;
    try {
      expect(TimeZone.parse("Asia/Seoul")).toBe("Asia/Seoul");
      expect(CanonicalTimeZone.parse("America/New_York")).toBe("America/New_York");
      expect(built).toBe(0);
      expect(CanonicalTimeZone.parse("US/Eastern")).toBe("America/New_York");
      expect(built).toBe(1);
    } finally {
      Intl.DateTimeFormat = Original;
    }
  });
});

describe("whole numbers", () => {
  it("reads decimal digits within the bounds", () => {
    expect(wholeNumber().parse("0")).toBe(0);
    expect(positiveInteger(64).parse("64")).toBe(64);
  });

  it.each(["", " ", "1e3", "0x10", "-1", "1.5", "ten"])(
    "refuses %j, which z.coerce.number() would read",
    (value) => {
      expect(messagesOf(wholeNumber(), value)).toEqual([
        "must be a whole number written in digits, such as 10",
      ]);
    },
  );

  it("names the bounds it enforces", () => {
    expect(messagesOf(positiveInteger(), "0")).toEqual([`must be between 1 and ${Number.MAX_SAFE_INTEGER}`]);
    expect(messagesOf(wholeNumber({ min: 40, max: 2500 }), "2501")).toEqual(["must be between 40 and 2500"]);
  });
});

describe("subsetList", () => {
  const formats = subsetList(["webp", "jpeg", "avif"] as const);

  it("reads a case-insensitive, de-duplicated subset in first-seen order", () => {
    expect(formats.parse(" AVIF, webp ,avif")).toEqual(["avif", "webp"]);
  });

  it("refuses unknown entries and the empty list, listing what is allowed", () => {
    expect(messagesOf(formats, "webp,gif")).toEqual([
      "unsupported gif; use a comma-separated subset of webp, jpeg, avif",
    ]);
    expect(messagesOf(formats, " , ")).toEqual([
      "empty list; use a comma-separated subset of webp, jpeg, avif",
    ]);
  });
});
