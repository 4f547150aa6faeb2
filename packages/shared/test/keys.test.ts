import fc from "fast-check";
import { ulid } from "ulid";
import { describe, expect, it } from "vitest";
import {
  derivedKeysOf,
  imageIdOfKey,
  imageIdOfUlid,
  isTriggerKey,
  manifestKeyOf,
  OUTPUT_PREFIXES,
  originalKey,
  PREFIXES,
  quarantineKeyOf,
} from "../src/keys.js";

describe("key layout", () => {
  it("makes originals under uploads/YYYY/MM/DD/<ulid>.<ext> from the ULID's own time", () => {
    const id = ulid(Date.UTC(2026, 10, 25, 23, 59, 0));
    expect(originalKey(id, "image/jpeg")).toBe(`uploads/2026/11/25/${id}.jpg`);
    expect(originalKey(id, "image/webp")).toBe(`uploads/2026/11/25/${id}.webp`);
  });

  it("finds the same image id from the key and from the ULID alone", () => {
    const id = ulid();
    expect(imageIdOfKey(originalKey(id, "image/png"))).toBe(imageIdOfUlid(id));
  });

  it("refuses keys outside uploads/ and ids that are not ULIDs", () => {
    expect(imageIdOfKey("variants/2026/01/01/x/thumb.webp")).toBeUndefined();
    expect(imageIdOfKey("uploads/")).toBeUndefined();
    expect(() => imageIdOfUlid("../../etc/passwd")).toThrow(/not a ULID/);
  });

  it("keeps dots inside folder names and drops only the file's extension", () => {
    expect(imageIdOfKey("uploads/a.b/photo 1+2 사진.jpeg")).toBe("a.b/photo 1+2 사진");
    expect(imageIdOfKey("uploads/a.b/noext")).toBe("a.b/noext");
  });

  it("has no output prefix that overlaps the trigger prefix, either way round", () => {
    for (const prefix of OUTPUT_PREFIXES) {
      expect(prefix.startsWith(PREFIXES.uploads)).toBe(false);
      expect(PREFIXES.uploads.startsWith(prefix)).toBe(false);
    }
  });

  it("never derives a key that would fire the upload trigger, for any original key", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 60, unit: "grapheme" }),
        fc.string({ maxLength: 10 }),
        (name, file) => {
          const imageId = imageIdOfKey(`${PREFIXES.uploads}${name}`);
          if (imageId === undefined) return;
          for (const key of derivedKeysOf(imageId, [`${file}.webp`])) expect(isTriggerKey(key)).toBe(false);
        },
      ),
    );
  });

  it("places the manifest and quarantine marker where the API looks for them", () => {
    expect(manifestKeyOf("2026/11/25/X")).toBe("variants/2026/11/25/X/manifest.json");
    expect(quarantineKeyOf("2026/11/25/X")).toBe("quarantine/2026/11/25/X.json");
  });
});
