import type { DeleteResult, ListedObject } from "./object-store.js";

/**
 * The few S3 XML documents the REST object store reads and writes. S3's responses are flat and
 * machine-written, so pulling out the elements we need with patterns is safe and saves bundling an XML
 * parser (the SDK's is most of what its S3 client costs at cold start).
 */

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export const decodeXml = (text: string): string =>
  text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) =>
    entity.startsWith("#x")
      ? String.fromCodePoint(Number.parseInt(entity.slice(2), 16))
      : entity.startsWith("#")
        ? String.fromCodePoint(Number.parseInt(entity.slice(1), 10))
        : (ENTITIES[entity] ?? ""),
  );

/** What @aws-sdk/xml-builder's escapeElement escapes: markup, and line breaks a parser would normalise. */
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  '"': "&quot;",
  "'": "&apos;",
  "<": "&lt;",
  ">": "&gt;",
  "\r": "&#x0D;",
  "\n": "&#x0A;",
  "\u0085": "&#x85;",
  "\u2028": "&#x2028;",
};

/** Escapes element text exactly as the SDK does, so a key ending in "\r" is still that key. */
export const escapeXml = (text: string): string =>
  text.replace(/[&"'<>\r\n\u0085\u2028]/g, (ch) => ESCAPES[ch] ?? ch);

const blocks = (xml: string, name: string): string[] =>
  [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, "g"))].map(([, inner = ""]) => inner);

/** The text of the first `<name>` element, entities decoded; undefined when absent. */
export const element = (xml: string, name: string): string | undefined => {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match?.[1] === undefined ? undefined : decodeXml(match[1]);
};

/**
 * A ListObjectsV2 result. With `encoding-type=url` S3 URL-encodes the keys (and says so in
 * `<EncodingType>`), so keys that XML 1.0 cannot carry still arrive intact; a server that ignores the
 * parameter sends them raw, and they are read raw.
 */
export const parseListObjectsV2 = (xml: string): { objects: ListedObject[]; isTruncated: boolean } => {
  const urlEncoded = element(xml, "EncodingType") === "url";
  const keyOf = (raw: string) => (urlEncoded ? decodeURIComponent(raw.replace(/\+/g, " ")) : raw);
  const objects = blocks(xml, "Contents").map((block) => ({
    key: keyOf(element(block, "Key") ?? ""),
    size: Number(element(block, "Size") ?? 0),
    etag: element(block, "ETag") ?? "",
    lastModified: new Date(element(block, "LastModified") ?? 0),
  }));
  return { objects, isTruncated: element(xml, "IsTruncated") === "true" };
};

/** The DeleteObjects request body, verbose (Quiet=false) so every deleted key is confirmed. */
export const deleteObjectsXml = (keys: readonly string[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${keys
    .map((key) => `<Object><Key>${escapeXml(key)}</Key></Object>`)
    .join("")}<Quiet>false</Quiet></Delete>`;

/** A DeleteObjects result: S3 reports per-key failures inside a 200 response. */
export const parseDeleteResult = (xml: string): DeleteResult => ({
  deleted: blocks(xml, "Deleted").map((block) => element(block, "Key") ?? ""),
  errors: blocks(xml, "Error").map((block) => ({
    key: element(block, "Key") ?? "",
    code: element(block, "Code") ?? "Unknown",
    message: element(block, "Message") ?? "",
  })),
});
