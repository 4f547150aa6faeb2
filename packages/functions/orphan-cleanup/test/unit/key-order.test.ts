import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareKeys, managedImageIdOf } from "../../src/key-order.js";

describe("key order", () => {
  it('orders keys as S3 and COLLATE "C" do: by UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 2000 },
    );
  });

  it("orders a character beyond U+FFFF after U+FFFD, unlike JavaScript's default", () => {
    expect(compareKeys("uploads/\u{1F642}", "uploads/\uFFFD")).toBeGreaterThan(0);
    expect("uploads/\u{1F642}" < "uploads/\uFFFD").toBe(true);
  });
});

describe("managed originals", () => {
  it("manages exactly the upload function's layout", () => {
    expect(managedImageIdOf("uploads/2025/05/31/01JWE805T7000000000000003N.jpg")).toBe(
      "2025/05/31/01JWE805T7000000000000003N",
    );
    expect(managedImageIdOf("uploads/2025/05/31/01JWE805T7000000000000003N.avif")).toBe(
      "2025/05/31/01JWE805T7000000000000003N",
    );
  });

  it.each([
    "uploads/README.txt",
    "uploads/2025/05/31/01JWE805T7000000000000003N.txt",
    "uploads/2025/05/31/01JWE805T7000000000000003N",
    "uploads/2025/05/31/01JWE805T7000000000000003N.jpg.bak",
    "uploads/2025/05/31/not-a-ulid-at-all-000000000.jpg",
    "uploads/2025/05/31/81JWE805T7000000000000003N.jpg",
    "uploads/extra/2025/05/31/01JWE805T7000000000000003N.jpg",
    "variants/2025/05/31/01JWE805T7000000000000003N/thumb.webp",
  ])("leaves %s alone", (key) => {
    expect(managedImageIdOf(key)).toBeUndefined();
  });
});
