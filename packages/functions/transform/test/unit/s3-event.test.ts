import { encodeS3EventKey, makeS3Event, makeS3TestEvent } from "@lambda-lab/testing/s3";
import { describe, expect, it } from "vitest";
import { decodeS3Key, InvalidEventError, parseS3Event } from "../../src/s3-event.js";

describe("decodeS3Key", () => {
  it.each([
    ["uploads/red+flower.jpg", "uploads/red flower.jpg"],
    ["uploads/a%2Bb.jpg", "uploads/a+b.jpg"],
    ["uploads/100%25+sure.png", "uploads/100% sure.png"],
    ["uploads/%ED%95%9C%EA%B8%80+%EC%82%AC%EC%A7%84.jpg", "uploads/한글 사진.jpg"],
  ])("decodes %s to %s", (raw, decoded) => {
    expect(decodeS3Key(raw)).toBe(decoded);
  });

  it("round-trips every awkward key through the event encoding", () => {
    for (const key of ["uploads/a b+c%d.jpg", "uploads/2026/11/25/고양이 사진+1.webp", "uploads/(1)'!*~.gif"])
      expect(decodeS3Key(encodeS3EventKey(key))).toBe(key);
  });
});

describe("parseS3Event", () => {
  it("returns every record with its key decoded", () => {
    // Prepare
    const event = makeS3Event(
      { key: "uploads/a b+c.jpg", etag: "abc", size: 12 },
      { key: "uploads/한글.png", eventName: "ObjectCreated:CompleteMultipartUpload" },
    );

    // Act
    const parsed = parseS3Event(event);

    // Assess
    expect(parsed).toEqual({
      kind: "records",
      records: [
        {
          eventName: "ObjectCreated:Put",
          bucket: "lab-images",
          key: "uploads/a b+c.jpg",
          etag: "abc",
          size: 12,
        },
        {
          eventName: "ObjectCreated:CompleteMultipartUpload",
          bucket: "lab-images",
          key: "uploads/한글.png",
          etag: "0123456789abcdef0123456789abcdef",
          size: 1024,
        },
      ],
    });
  });

  it("recognises s3:TestEvent", () => {
    expect(parseS3Event(makeS3TestEvent())).toEqual({ kind: "test" });
  });

  it.each([
    ["null", null],
    ["an empty object", {}],
    ["no records", { Records: [] }],
    ["an SQS record", { Records: [{ eventSource: "aws:sqs", body: "{}" }] }],
  ])("rejects %s with InvalidEventError", (_label, event) => {
    expect(() => parseS3Event(event)).toThrow(InvalidEventError);
  });

  it("says which field is wrong", () => {
    // Prepare
    const event = makeS3Event({ key: "uploads/a.jpg" });
    (event.Records[0]!.s3.object as { key: unknown }).key = 42;

    // Act / Assess
    expect(() => parseS3Event(event)).toThrow(/Records\[0\]\.s3\.object\.key/);
  });

  it("names a key whose escapes are broken", () => {
    const event = makeS3Event({ key: "uploads/a.jpg" });
    event.Records[0]!.s3.object.key = "uploads/bad%E0%A4%A.jpg";

    expect(() => parseS3Event(event)).toThrow(/not a URL-encoded key: "uploads\/bad%E0%A4%A\.jpg"/);
  });
});
