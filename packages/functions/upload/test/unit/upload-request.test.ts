import { describe, expect, it } from "vitest";
import { checkFilename } from "../../src/filename.js";
import { checkUploadRequest, type UploadRules } from "../../src/upload-request.js";

const RULES: UploadRules = { allowedContentTypes: ["image/jpeg", "image/png"], maxUploadBytes: 1000 };

describe("checkUploadRequest", () => {
  it("accepts a well-formed request and canonicalises the content type", () => {
    const check = checkUploadRequest({ contentType: " Image/JPEG ", size: 1000, filename: "cat.jpg" }, RULES);

    expect(check).toEqual({
      ok: true,
      value: { contentType: "image/jpeg", size: 1000, filename: "cat.jpg" },
    });
  });

  it("accepts a request without a filename", () => {
    expect(checkUploadRequest({ contentType: "image/png", size: 1 }, RULES)).toEqual({
      ok: true,
      value: { contentType: "image/png", size: 1 },
    });
  });

  it("reports every problem at once, each under its JSON pointer", () => {
    const check = checkUploadRequest(
      { contentType: "image/heic", size: 0, filename: "../etc/passwd" },
      RULES,
    );

    expect(check).toEqual({
      ok: false,
      errors: [
        {
          pointer: "/contentType",
          detail: '"image/heic" is not allowed; allowed types: image/jpeg, image/png',
        },
        { pointer: "/size", detail: "must be between 1 and 1000 bytes, got 0" },
        { pointer: "/filename", detail: "must be a file name, not a path (no / or \\)" },
      ],
    });
  });

  it("names each unexpected field", () => {
    const check = checkUploadRequest(
      { contentType: "image/png", size: 10, key: "x", acl: "public-read" },
      RULES,
    );

    expect(check).toEqual({
      ok: false,
      errors: [
        { pointer: "/key", detail: "unexpected field" },
        { pointer: "/acl", detail: "unexpected field" },
      ],
    });
  });

  it.each([
    ["a missing contentType", { size: 10 }, "/contentType"],
    ["a missing size", { contentType: "image/png" }, "/size"],
    ["a string size", { contentType: "image/png", size: "10" }, "/size"],
    ["a fractional size", { contentType: "image/png", size: 1.5 }, "/size"],
    ["a numeric filename", { contentType: "image/png", size: 1, filename: 7 }, "/filename"],
    ["a body that is an array", [], ""],
    ["a body that is null", null, ""],
  ])("rejects %s", (_, body, pointer) => {
    const check = checkUploadRequest(body, RULES);

    expect(check.ok).toBe(false);
    expect(check.ok ? [] : check.errors.map((e) => e.pointer)).toContain(pointer);
  });

  it("rejects a size one byte over the cap and a negative size", () => {
    expect(checkUploadRequest({ contentType: "image/png", size: 1001 }, RULES).ok).toBe(false);
    expect(checkUploadRequest({ contentType: "image/png", size: -5 }, RULES).ok).toBe(false);
  });

  it("rejects a type the lab knows but this deployment does not allow", () => {
    const check = checkUploadRequest({ contentType: "image/webp", size: 10 }, RULES);

    expect(check).toMatchObject({ ok: false, errors: [{ pointer: "/contentType" }] });
  });
});

describe("checkFilename", () => {
  it.each([
    ["holiday photo.jpg", "holiday photo.jpg"],
    ["Crème brûlée (1).JPG", "Creme brulee (1).JPG"],
    ["写真.png", "_.png"],
    ["a<b>|c?.gif", "a_b_c_.gif"],
    ["  spaced    out .webp ", "spaced out .webp"],
  ])("keeps %j as %j", (name, sanitized) => {
    expect(checkFilename(name)).toEqual({ ok: true, sanitized });
  });

  it.each([
    ["too long", `${"a".repeat(252)}.jpg`, "at most 255"],
    ["a NUL byte", "cat\u0000.jpg", "control characters"],
    ["a newline", "cat\n.jpg", "control characters"],
    ["a right-to-left override", "cat\u202Egpj.exe", "bidirectional"],
    ["a path", "photos/cat.jpg", "not a path"],
    ["a Windows path", "C:\\cat.jpg", "not a path"],
    ["only dots", "..", "more than dots"],
    ["only spaces", "   ", "more than dots"],
    ["nothing", "", "more than dots"],
  ])("refuses a name with %s", (_, name, reason) => {
    const check = checkFilename(name);

    expect(check.ok).toBe(false);
    expect(check.ok ? "" : check.reason).toContain(reason);
  });
});
