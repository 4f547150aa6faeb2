import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { issueUploadToken, verifyUploadToken } from "../../src/token.js";

const SECRET = "unit-test-secret-0123456789abcdefghij";
const NOW = new Date("2026-11-25T12:00:00Z");
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe("upload tokens", () => {
  it("accepts a token it issued and returns its subject and expiry", () => {
    // Prepare
    const token = issueUploadToken(SECRET, { subject: "user-42", ttlSeconds: 600, now: NOW });

    // Act
    const check = verifyUploadToken(SECRET, token, later(599));

    // Assess
    expect(check).toEqual({ ok: true, claims: { sub: "user-42", exp: NOW.getTime() / 1000 + 600 } });
  });

  it("has the documented format: base64url JSON claims, a dot, base64url HMAC-SHA256 of the first part", () => {
    const token = issueUploadToken(SECRET, { subject: "user-42", ttlSeconds: 60, now: NOW });

    const [payload = "", signature = ""] = token.split(".");

    expect(JSON.parse(Buffer.from(payload, "base64url").toString())).toEqual({
      sub: "user-42",
      exp: NOW.getTime() / 1000 + 60,
    });
    expect(signature).toBe(createHmac("sha256", SECRET).update(payload).digest("base64url"));
  });

  it("accepts `now` as epoch milliseconds as well as a Date", () => {
    const token = issueUploadToken(SECRET, { subject: "user-42", ttlSeconds: 60, now: NOW.getTime() });

    expect(verifyUploadToken(SECRET, token, NOW.getTime())).toMatchObject({ ok: true });
  });

  it("rejects a token whose payload was tampered with", () => {
    // Prepare: keep the signature, swap in claims for another subject
    const token = issueUploadToken(SECRET, { subject: "user-42", ttlSeconds: 600, now: NOW });
    const [, signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ sub: "admin", exp: NOW.getTime() / 1000 + 600 })).toString(
      "base64url",
    );

    // Act
    const check = verifyUploadToken(SECRET, `${forged}.${signature}`, NOW);

    // Assess
    expect(check).toMatchObject({ ok: false, reason: "bad-signature" });
  });

  it("rejects a token whose signature was tampered with", () => {
    const token = issueUploadToken(SECRET, { subject: "user-42", ttlSeconds: 600, now: NOW });
    const [payload, signature = ""] = token.split(".");
    const flipped = (signature[0] === "A" ? "B" : "A") + signature.slice(1);

    const check = verifyUploadToken(SECRET, `${payload}.${flipped}`, NOW);

    expect(check).toMatchObject({ ok: false, reason: "bad-signature" });
  });

  it("rejects a non-canonical spelling of the right signature", () => {
    // Prepare: 32 bytes take 43 base64 characters; the last one carries 2 unused bits
    const token = issueUploadToken(SECRET, { subject: "user-42", ttlSeconds: 600, now: NOW });
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(token.at(-1) ?? "");
    const respelled = `${token.slice(0, -1)}${alphabet[last ^ 1]}`;

    expect(verifyUploadToken(SECRET, respelled, NOW)).toMatchObject({ ok: false, reason: "bad-signature" });
  });

  it("rejects a token signed with another secret", () => {
    const token = issueUploadToken(`${SECRET}-other`, { subject: "user-42", ttlSeconds: 600, now: NOW });

    expect(verifyUploadToken(SECRET, token, NOW)).toMatchObject({ ok: false, reason: "bad-signature" });
  });

  it("rejects an expired token, from the second of its expiry on", () => {
    const token = issueUploadToken(SECRET, { subject: "user-42", ttlSeconds: 60, now: NOW });

    const check = verifyUploadToken(SECRET, token, later(60));

    expect(check).toEqual({
      ok: false,
      reason: "expired",
      detail: "the upload token expired at 2026-11-25T12:01:00.000Z",
    });
  });

  it.each([
    ["no dot", "abc"],
    ["three parts", "a.b.c"],
    ["characters outside base64url", "ab+c.def/"],
    ["an empty signature", "abc."],
  ])("reports a token with %s as malformed", (_, token) => {
    expect(verifyUploadToken(SECRET, token, NOW)).toMatchObject({ ok: false, reason: "malformed" });
  });

  it("reports a missing token", () => {
    expect(verifyUploadToken(SECRET, undefined, NOW)).toMatchObject({ ok: false, reason: "missing" });
    expect(verifyUploadToken(SECRET, "", NOW)).toMatchObject({ ok: false, reason: "missing" });
  });

  it("reports signed claims of the wrong shape as malformed", () => {
    // Prepare: correctly signed, but `exp` is a string and there is an extra claim
    const payload = Buffer.from(JSON.stringify({ sub: "user-42", exp: "soon", admin: true })).toString(
      "base64url",
    );
    const token = `${payload}.${createHmac("sha256", SECRET).update(payload).digest("base64url")}`;

    expect(verifyUploadToken(SECRET, token, NOW)).toMatchObject({ ok: false, reason: "malformed" });
  });

  it("refuses to issue with a short secret, an unsafe subject or a bad ttl", () => {
    expect(() => issueUploadToken("short", { subject: "u", ttlSeconds: 60 })).toThrow(/at least 32/);
    expect(() => issueUploadToken(SECRET, { subject: "a\nb", ttlSeconds: 60 })).toThrow(/subject/);
    expect(() => issueUploadToken(SECRET, { subject: "u", ttlSeconds: 0 })).toThrow(/ttlSeconds/);
  });
});
