import { describe, expect, it } from "vitest";
import {
  decodeXml,
  deleteObjectsXml,
  escapeXml,
  parseDeleteResult,
  parseListObjectsV2,
} from "../src/s3-xml.js";

describe("S3 XML", () => {
  it("escapes element text as the SDK's XML builder does, and decodes it back", () => {
    const key = `a&b<c>"d"'e'\r\n\u0085\u2028.jpg`;

    const escaped = escapeXml(key);

    expect(escaped).toBe("a&amp;b&lt;c&gt;&quot;d&quot;&apos;e&apos;&#x0D;&#x0A;&#x85;&#x2028;.jpg");
    expect(decodeXml(escaped)).toBe(key);
  });

  it("writes a verbose DeleteObjects body", () => {
    expect(deleteObjectsXml(["a&b", "c"])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        "<Object><Key>a&amp;b</Key></Object><Object><Key>c</Key></Object><Quiet>false</Quiet></Delete>",
    );
  });

  it("reads a url-encoded listing (S3 writes a space as +) and a raw one", () => {
    const entry = (key: string) =>
      `<Contents><Key>${key}</Key><LastModified>2026-11-25T01:02:03.000Z</LastModified><ETag>&quot;e1&quot;</ETag><Size>42</Size></Contents>`;
    const encoded = `<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>${entry("uploads/a+b%2Bc%0D.jpg")}</ListBucketResult>`;
    const raw = `<ListBucketResult><IsTruncated>false</IsTruncated>${entry("uploads/a b+c%0D.jpg")}</ListBucketResult>`;

    expect(parseListObjectsV2(encoded)).toEqual({
      isTruncated: true,
      objects: [
        {
          key: "uploads/a b+c\r.jpg",
          size: 42,
          etag: '"e1"',
          lastModified: new Date("2026-11-25T01:02:03.000Z"),
        },
      ],
    });
    expect(parseListObjectsV2(raw).objects[0]?.key).toBe("uploads/a b+c%0D.jpg");
    expect(parseListObjectsV2(raw).isTruncated).toBe(false);
  });

  it("reads deleted keys and per-key errors out of a 200 DeleteObjects answer", () => {
    const xml =
      "<DeleteResult><Deleted><Key>a</Key></Deleted><Error><Key>b&amp;c</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>";

    expect(parseDeleteResult(xml)).toEqual({
      deleted: ["a"],
      errors: [{ key: "b&c", code: "AccessDenied", message: "Access Denied" }],
    });
  });
});
