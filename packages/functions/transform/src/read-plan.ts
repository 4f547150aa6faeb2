import type { Metadata, SharpOptions } from "sharp";

export type AnimationMode = "keep" | "first-frame";

/** Which pages of a source the one decode reads, decided from what its container says it holds. */
export interface ReadPlan {
  /** Frames decoded (stacked vertically when more than one): what counts against the pixel cap. */
  frames: number;
  /** The sharp input options that select them. */
  select: Pick<SharpOptions, "animated" | "page" | "pages">;
  /** Pages the container holds, as sharp counts them: frames of a GIF/WebP, top-level items of a HEIF. */
  pages: number;
  /** The page read first: the primary item of a HEIF, else 0. */
  page: number;
}

/** The formats whose pages are frames of one animation: libvips gives every frame the canvas size. */
const FRAME_FORMATS = new Set(["gif", "webp"]);

/**
 * Decides what to read from the header's metadata (read with sharp's defaults: one page, and for HEIF the
 * primary item, because libvips' heifload defaults `page` to the primary when neither `n` nor `page` is set:
 * https://www.libvips.org/API/current/ctor.Image.heifload.html).
 *
 * - GIF/WebP with more than one page: an animation. With `keep`, every frame (`animated`, i.e. `pages: -1`).
 * - HEIF (AVIF): `pages` counts top-level *items* — grid tiles, pyramid layers, alternates — which are not
 *   frames and need not share a size; reading them all fails in libvips ("not all pages are the same size",
 *   or "bad seek" while reading the header). sharp's `pagePrimary` names the image the file means to show:
 *   read exactly that one, named explicitly (sharp's own fallback, `HeifPrimaryPageReopen` in its
 *   src/common.cc, applies only when no page was asked for). AVIF sequences never get here: see sniff.ts.
 * - Anything else (JPEG, PNG; an APNG's frames are invisible to libvips' pngload): its one image.
 */
export const planRead = (meta: Metadata, animation: AnimationMode): ReadPlan => {
  const pages = Math.max(1, meta.pages ?? 1);
  if (meta.format === "heif") {
    const page = meta.pagePrimary ?? 0;
    return { frames: 1, select: { page, pages: 1 }, pages, page };
  }
  if (FRAME_FORMATS.has(meta.format ?? "") && pages > 1 && animation === "keep")
    return { frames: pages, select: { animated: true }, pages, page: 0 };
  return { frames: 1, select: {}, pages, page: 0 };
};
