import { describe, expect, it } from "vitest";
import { parseListObjectsV2 } from "../../src/s3-rest-reader.js";

describe("parseListObjectsV2", () => {
  it("reads keys, sizes, ETags and times, decoding XML entities", () => {
    // Prepare: the shape S3 returns (ETag quotes arrive entity-encoded)
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>lab-images</Name><Prefix>uploads/2026/11/25/01KB.</Prefix><KeyCount>2</KeyCount><MaxKeys>10</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents><Key>uploads/a&amp;b &lt;1&gt;.jpg</Key><LastModified>2026-11-25T12:00:00.000Z</LastModified>
    <ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>139435</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>uploads/caf&#233;&#x2F;x.png</Key><LastModified>2026-11-25T12:00:01.000Z</LastModified>
    <ETag>"e"</ETag><Size>0</Size></Contents>
</ListBucketResult>`;

    // Act
    const page = parseListObjectsV2(xml);

    // Assess
    expect(page).toEqual({
      isTruncated: true,
      objects: [
        {
          key: "uploads/a&b <1>.jpg",
          size: 139_435,
          etag: '"d41d8cd98f00b204e9800998ecf8427e"',
          lastModified: new Date("2026-11-25T12:00:00.000Z"),
        },
        {
          key: "uploads/café/x.png",
          size: 0,
          etag: '"e"',
          lastModified: new Date("2026-11-25T12:00:01.000Z"),
        },
      ],
    });
  });

  it("reads an empty listing", () => {
    const xml = "<ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>";

    expect(parseListObjectsV2(xml)).toEqual({ objects: [], isTruncated: false });
  });
});
