import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import sharp, { type Sharp } from "sharp";
import { DEFAULT_VARIANTS } from "../src/env.js";
import { ENCODER_OPTIONS } from "../src/formats.js";
import { makeHandler } from "../src/handler.js";
import type { TransformConfig } from "../src/transform-image.js";

/** What every case produces per image: the three default variants, each as WebP and JPEG. */
export const CONFIG: TransformConfig = {
  variants: DEFAULT_VARIANTS,
  formats: ["webp", "jpeg"],
  maxInputBytes: 50 * 1024 * 1024,
  maxInputPixels: 100_000_000,
  animation: "keep",
};
const WIDTHS = CONFIG.variants.map((v) => v.width);

const encode = (image: Sharp, format: "webp" | "jpeg") =>
  format === "webp" ? image.webp(ENCODER_OPTIONS.webp) : image.jpeg(ENCODER_OPTIONS.jpeg);

/** Prepares a case for one input; the returned function processes the image once. */
export type CaseFactory = (input: Buffer) => () => Promise<unknown>;

export const CASES: Record<string, { label: string; make: CaseFactory }> = {
  naive: {
    label: "naive: decode per output, in a loop",
    // The tutorial loop: every variant and format starts again from the compressed original.
    make: (input) => async () => {
      for (const width of WIDTHS)
        for (const format of CONFIG.formats as ("webp" | "jpeg")[])
          await encode(
            sharp(input).autoOrient().resize({ width, withoutEnlargement: true }),
            format,
          ).toBuffer();
    },
  },
  "naive-parallel": {
    label: "naive: decode per output, Promise.all",
    make: (input) => () =>
      Promise.all(
        WIDTHS.flatMap((width) =>
          (CONFIG.formats as ("webp" | "jpeg")[]).map((format) =>
            encode(sharp(input).autoOrient().resize({ width, withoutEnlargement: true }), format).toBuffer(),
          ),
        ),
      ),
  },
  floor: {
    label: "bare sharp: decode once, no handler",
    // The same decode-once strategy with nothing around it: no S3 port, sniffing, probing or manifest.
    make: (input) => async () => {
      const { data, info } = await sharp(input)
        .autoOrient()
        .resize({ width: Math.max(...WIDTHS), withoutEnlargement: true })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
      await Promise.all(
        [...WIDTHS]
          .reverse()
          .flatMap((width) =>
            (CONFIG.formats as ("webp" | "jpeg")[]).map((format) =>
              encode(
                width < info.width ? sharp(data, raw).resize({ width }) : sharp(data, raw),
                format,
              ).toBuffer(),
            ),
          ),
      );
    },
  },
  pipeline: {
    label: "this function: handler + in-memory S3",
    // The real handler, fed real-format events; each iteration is a new upload so none is a duplicate.
    make: (input) => {
      const store = createMemoryObjectStore();
      const quiet = { info() {}, warn() {}, error() {} };
      const handler = makeHandler({ store, bucket: "bench", log: quiet }, CONFIG);
      let n = 0;
      return async () => {
        const key = `uploads/bench/${n}.jpg`;
        const etag = `bench-${n++}`;
        // Placed directly (not `seed`, which would MD5 the input inside the timed loop): S3 does that work.
        store.objects.set(key, {
          body: input,
          size: input.length,
          etag: `"${etag}"`,
          lastModified: new Date(),
          metadata: {},
        });
        const event = {
          Records: [
            {
              eventSource: "aws:s3",
              eventName: "ObjectCreated:Put",
              s3: { bucket: { name: "bench" }, object: { key, size: input.length, eTag: etag } },
            },
          ],
        };
        const { results } = await handler(event);
        if (results[0]?.status !== "written")
          throw new Error(`pipeline did not write: ${JSON.stringify(results)}`);
        // Drop this image's outputs so the store does not grow across iterations.
        for (const k of [...store.objects.keys()]) store.objects.delete(k);
      };
    },
  },
};
