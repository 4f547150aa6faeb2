import { decodeTime, isValid } from "ulid";
import { describe, expect, it } from "vitest";
import { newUploadId, normaliseUploadId } from "../../src/upload-id.js";

describe("newUploadId", () => {
  it("makes valid ULIDs carrying the given time", () => {
    const now = new Date("2026-11-25T12:00:00.123Z");

    const id = newUploadId(now);

    expect(isValid(id)).toBe(true);
    expect(decodeTime(id)).toBe(now.getTime());
  });

  it("draws every random symbol with roughly equal odds and never repeats an id", () => {
    // Prepare: 5,000 ids → 80,000 random symbols, 2,500 expected per symbol
    const ids = Array.from({ length: 5000 }, () => newUploadId(new Date(0)));
    const counts = new Map<string, number>();
    for (const id of ids) for (const c of id.slice(10)) counts.set(c, (counts.get(c) ?? 0) + 1);

    // Assess: all 32 symbols seen, each within ±10% (a biased or stuck pool fails this)
    expect(new Set(ids).size).toBe(ids.length);
    expect(counts.size).toBe(32);
    for (const n of counts.values()) expect(Math.abs(n - 2500)).toBeLessThan(250);
  });
});

describe("normaliseUploadId", () => {
  it("upper-cases a valid id and refuses anything else", () => {
    expect(normaliseUploadId("01kb8zq3m2x7v9w4t6r5n1p0hc")).toBe("01KB8ZQ3M2X7V9W4T6R5N1P0HC");
    expect(normaliseUploadId("8ZZZZZZZZZZZZZZZZZZZZZZZZZ")).toBeUndefined();
    expect(normaliseUploadId("01KB8ZQ3M2X7V9W4T6R5N1P0H")).toBeUndefined();
    expect(normaliseUploadId("01KB8ZQ3M2X7V9W4T6R5N1P0HU")).toBeUndefined();
  });
});
