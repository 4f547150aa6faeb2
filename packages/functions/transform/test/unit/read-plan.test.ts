import type { Metadata } from "sharp";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { planRead } from "../../src/read-plan.js";
import { fixture } from "../support/images.js";

/** The header as the pipeline reads it: sharp's defaults, one page. */
const header = (name: string): Promise<Metadata> => sharp(fixture(name)).metadata();

describe("planRead", () => {
  it("reads a multi-item HEIF from its primary item, one page, in both modes", async () => {
    const meta = await header("pitm.avif");

    for (const mode of ["keep", "first-frame"] as const)
      expect(planRead(meta, mode)).toEqual({ frames: 1, select: { page: 4, pages: 1 }, pages: 5, page: 4 });
  });

  it("reads every frame of an animated GIF or WebP with keep, and the first with first-frame", async () => {
    for (const name of ["animated-loop-3.gif", "animated-loop-3.webp"]) {
      const meta = await header(name);

      expect(planRead(meta, "keep")).toEqual({ frames: 10, select: { animated: true }, pages: 10, page: 0 });
      expect(planRead(meta, "first-frame")).toEqual({ frames: 1, select: {}, pages: 10, page: 0 });
    }
  });

  it("reads a still, an APNG included, as its one image", async () => {
    for (const name of ["Landscape_1.jpg", "apng-delay.png", "4.webp"])
      expect(planRead(await header(name), "keep")).toEqual({ frames: 1, select: {}, pages: 1, page: 0 });
  });
});
