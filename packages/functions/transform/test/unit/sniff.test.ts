import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { AVIF_SEQUENCE, HEIC, sniffImageType } from "../../src/sniff.js";
import { fixture } from "../support/images.js";

describe("sniffImageType", () => {
  it.each([
    ["Landscape_1.jpg", "jpeg"],
    ["16-bit-grey-alpha.png", "png"],
    ["animated-loop-3.gif", "gif"],
    ["4.webp", "webp"],
    // Damaged files still start with their format's signature: the decoder, not the sniffer, rejects them.
    ["truncated.png", "png"],
  ])("allows %s as %s", (name, type) => {
    expect(sniffImageType(fixture(name))).toEqual({ allowed: true, type });
  });

  it("allows AVIF from its ftyp brand", async () => {
    // Prepare
    const avif = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#f00" } })
      .avif()
      .toBuffer();

    // Act / Assess
    expect(sniffImageType(avif)).toEqual({ allowed: true, type: "avif" });
  });

  it("refuses SVG, even behind an XML declaration and a byte-order mark", () => {
    expect(sniffImageType(fixture("check.svg"))).toEqual({ allowed: false, detected: "svg" });
    expect(
      sniffImageType(Buffer.from('\uFEFF  <?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>')),
    ).toEqual({
      allowed: false,
      detected: "svg",
    });
  });

  it.each([
    ["a text file", Buffer.from("this is not a photo, just text saved as .jpg\n"), "text"],
    ["HTML", Buffer.from("<!doctype html><html><script>alert(1)</script>"), "html"],
    ["a PDF", Buffer.from("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", "latin1"), "pdf"],
    ["a TIFF", Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), "tiff"],
    ["a HEIC", Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypheic\0\0\0\0mif1heic")]), HEIC],
    [
      "an AVIF sequence that also lists avif",
      Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypavif\0\0\0\0avifavis")]),
      AVIF_SEQUENCE,
    ],
    [
      "a HEIF coded with neither",
      Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypmif1\0\0\0\0mif1miaf")]),
      "heif (neither AVIF nor HEIC coded)",
    ],
    ["an icon", Buffer.from([0, 0, 1, 0, 3, 0, 16, 16]), "ico (3 images)"],
    ["a cursor", Buffer.from([0, 0, 2, 0, 1, 0, 32, 32]), "cur (1 image)"],
    ["random bytes", Buffer.from([0x00, 0x01, 0x02, 0xfe, 0x80, 0x00]), "unknown binary"],
    ["nothing", Buffer.alloc(0), "empty"],
  ])("refuses %s", (_label, bytes, detected) => {
    expect(sniffImageType(bytes)).toEqual({ allowed: false, detected });
  });
});
