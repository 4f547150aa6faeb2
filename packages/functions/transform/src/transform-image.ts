import {
  imageIdOfKey,
  manifestKeyOf,
  type ObjectHead,
  type ObjectStore,
  type QuarantineMarker,
  type QuarantineReason,
  quarantineKeyOf,
  type VariantManifest,
  variantKeyOf,
  variantsPrefixOf,
} from "@lambda-lab/shared";
import { describeError, ImageRejectedError, isTransientError, TransientError } from "./errors.js";
import { type PipelineOptions, renderVariants } from "./image-pipeline.js";
import { ALLOWED_TYPES, sniffImageType } from "./sniff.js";

/** Variants never change under their key for one source ETag, so browsers and CDNs may keep them a year. */
export const VARIANT_CACHE_CONTROL = "public, max-age=31536000, immutable";
/** The manifest and the marker change when a newer version of the source arrives. */
const STATUS_CACHE_CONTROL = "no-cache";
/**
 * User metadata on the manifest and the marker, so a duplicate event is recognised by a HEAD alone:
 * no download of the manifest, let alone of the source.
 */
export const SOURCE_ETAG_METADATA = "source-etag";

export interface TransformConfig extends PipelineOptions {
  /** Larger sources are quarantined from their HEAD, never downloaded. */
  maxInputBytes: number;
}

/** The narrow logger the core needs (Powertools' Logger satisfies it). */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface TransformDeps {
  store: ObjectStore;
  log?: Log;
  now?: () => Date;
}

/** One object-created notification, key already decoded. */
export interface SourceObject {
  key: string;
  /** The ETag the event announced (quotes optional); lets a duplicate be skipped before any download. */
  etag?: string | undefined;
}

export type SkipReason = "not-an-upload" | "already-transformed" | "already-quarantined" | "source-missing";

export type TransformResult =
  | {
      status: "written";
      key: string;
      imageId: string;
      sourceEtag: string;
      manifestKey: string;
      variantKeys: string[];
    }
  | {
      status: "quarantined";
      key: string;
      imageId: string;
      sourceEtag: string;
      reason: QuarantineReason;
      detail: string;
      markerKey: string;
    }
  | { status: "skipped"; key: string; reason: SkipReason; imageId?: string; sourceEtag?: string };

/** S3 quotes ETags in responses but not in event records; compare them bare. */
export const normaliseEtag = (etag: string): string => etag.replace(/^W\//, "").replace(/"/g, "");

const recordedEtag = (head: ObjectHead | undefined): string | undefined => {
  const value = head?.metadata[SOURCE_ETAG_METADATA];
  return value ? normaliseEtag(value) : undefined;
};

/** Runs a store call; a failure a retry can fix becomes a TransientError, anything else propagates as is. */
const s3 = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (isTransientError(error))
      throw new TransientError(`${what}: ${describeError(error)}`, { cause: error });
    throw error;
  }
};

/**
 * Turns one uploaded original into web variants plus a manifest, or into a quarantine marker when the
 * upload can never be transformed. Idempotent per source ETag; never writes under `uploads/`.
 */
export const transformImage = async (
  source: SourceObject,
  deps: TransformDeps,
  config: TransformConfig,
): Promise<TransformResult> => {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const { key } = source;
  const imageId = imageIdOfKey(key);
  if (imageId === undefined) return { status: "skipped", key, reason: "not-an-upload" };
  const manifestKey = manifestKeyOf(imageId);
  const markerKey = quarantineKeyOf(imageId);

  const [manifestHead, markerHead, sourceHead] = await s3(`HEAD outputs of ${key}`, () =>
    Promise.all([store.head(manifestKey), store.head(markerKey), store.head(key)]),
  );
  const doneEtag = recordedEtag(manifestHead);
  const quarantinedEtag = recordedEtag(markerHead);
  const skipIfDone = (etag: string | undefined): TransformResult | undefined => {
    if (etag === undefined) return undefined;
    if (etag === doneEtag)
      return { status: "skipped", key, imageId, sourceEtag: etag, reason: "already-transformed" };
    if (etag === quarantinedEtag)
      return { status: "skipped", key, imageId, sourceEtag: etag, reason: "already-quarantined" };
    return undefined;
  };
  // The event's own ETag first: a redelivered event is settled by HEADs alone, even if the source is gone.
  const duplicate = skipIfDone(source.etag === undefined ? undefined : normaliseEtag(source.etag));
  if (duplicate) return duplicate;
  if (!sourceHead) return { status: "skipped", key, imageId, reason: "source-missing" };
  const currentDone = skipIfDone(normaliseEtag(sourceHead.etag));
  if (currentDone) return currentDone;

  const quarantine = async (
    sourceEtag: string,
    reason: QuarantineReason,
    detail: string,
  ): Promise<TransformResult> => {
    const marker: QuarantineMarker = {
      version: 1,
      imageId,
      sourceKey: key,
      sourceEtag,
      reason,
      detail,
      quarantinedAt: now().toISOString(),
    };
    await s3(`PUT ${markerKey}`, () =>
      store.put(markerKey, JSON.stringify(marker, null, 2), {
        contentType: "application/json",
        cacheControl: STATUS_CACHE_CONTROL,
        metadata: { [SOURCE_ETAG_METADATA]: sourceEtag },
      }),
    );
    // Variants of an earlier version would otherwise be served as if they showed this one.
    if (manifestHead) await removeVariants(store, imageId, manifestKey);
    deps.log?.warn("quarantined", { key, reason, detail });
    return { status: "quarantined", key, imageId, sourceEtag, reason, detail, markerKey };
  };

  // Size limits come from the HEAD, so an oversized object is refused without being downloaded.
  const headEtag = normaliseEtag(sourceHead.etag);
  if (sourceHead.size === 0) return quarantine(headEtag, "empty", "the object has no bytes");
  if (sourceHead.size > config.maxInputBytes)
    return quarantine(
      headEtag,
      "too-large",
      `${sourceHead.size} bytes, over the limit of ${config.maxInputBytes}`,
    );

  const object = await s3(`GET ${key}`, () => store.get(key));
  if (!object) return { status: "skipped", key, imageId, reason: "source-missing" };
  // The object may have been replaced since the HEAD: from here on, what we downloaded is the truth.
  const sourceEtag = normaliseEtag(object.etag);
  const body = object.body;
  if (body.length === 0) return quarantine(sourceEtag, "empty", "the object has no bytes");
  if (body.length > config.maxInputBytes)
    return quarantine(
      sourceEtag,
      "too-large",
      `${body.length} bytes, over the limit of ${config.maxInputBytes}`,
    );

  const sniffed = sniffImageType(body);
  if (!sniffed.allowed)
    return quarantine(
      sourceEtag,
      "unsupported-type",
      `content is ${sniffed.detected}; allowed: ${ALLOWED_TYPES.join(", ")}`,
    );

  let rendered: Awaited<ReturnType<typeof renderVariants>>;
  try {
    rendered = await renderVariants(body, sniffed.type, config);
  } catch (error) {
    if (error instanceof ImageRejectedError) return quarantine(sourceEtag, error.reason, error.detail);
    throw error;
  }

  const entries = await Promise.all(
    rendered.variants.map(async (variant) => {
      const variantKey = variantKeyOf(imageId, variant.name, variant.extension);
      await s3(`PUT ${variantKey}`, () =>
        store.put(variantKey, variant.body, {
          contentType: variant.contentType,
          cacheControl: VARIANT_CACHE_CONTROL,
          metadata: {
            width: String(variant.width),
            height: String(variant.height),
            [SOURCE_ETAG_METADATA]: sourceEtag,
          },
        }),
      );
      return {
        name: variant.name,
        format: variant.format,
        key: variantKey,
        contentType: variant.contentType,
        width: variant.width,
        height: variant.height,
        bytes: variant.body.length,
      };
    }),
  );
  const manifest: VariantManifest = {
    version: 1,
    imageId,
    sourceKey: key,
    sourceEtag,
    sourceFormat: rendered.sourceFormat,
    width: rendered.width,
    height: rendered.height,
    animated: rendered.animated,
    variants: entries,
    createdAt: now().toISOString(),
  };
  // Last, and only after every variant is stored: the manifest's presence is what "ready" means.
  await s3(`PUT ${manifestKey}`, () =>
    store.put(manifestKey, JSON.stringify(manifest, null, 2), {
      contentType: "application/json",
      cacheControl: STATUS_CACHE_CONTROL,
      metadata: { [SOURCE_ETAG_METADATA]: sourceEtag },
    }),
  );
  // A marker from an earlier, broken version no longer describes this image.
  if (markerHead) await s3(`DELETE ${markerKey}`, () => store.deleteMany([markerKey]));
  deps.log?.info("transformed", {
    key,
    variants: entries.length,
    width: rendered.width,
    height: rendered.height,
    frames: rendered.frames,
    // A multi-item HEIF is rendered from its primary item: say which, so a surprising result can be traced.
    ...(rendered.sourcePages > 1 ? { sourcePages: rendered.sourcePages, page: rendered.page } : {}),
  });
  return {
    status: "written",
    key,
    imageId,
    sourceEtag,
    manifestKey,
    variantKeys: entries.map((entry) => entry.key),
  };
};

/**
 * Deletes a stale manifest and every object under its variants prefix, in one request (an image has a
 * handful of variants, far below S3's 1,000-key page).
 */
const removeVariants = async (store: ObjectStore, imageId: string, manifestKey: string): Promise<void> => {
  const page = await s3(`LIST ${variantsPrefixOf(imageId)}`, () => store.listPage(variantsPrefixOf(imageId)));
  const others = page.objects.map((o) => o.key).filter((k) => k !== manifestKey);
  const result = await s3(`DELETE ${manifestKey}`, () => store.deleteMany([manifestKey, ...others]));
  if (result.errors.length === 0) return;
  // DeleteObjects reports per-key failures inside a 200: SlowDown or InternalError there is still transient.
  const message = `could not delete stale variants: ${result.errors.map((e) => `${e.key} (${e.code})`).join(", ")}`;
  if (result.errors.some((e) => isTransientError({ name: e.code }))) throw new TransientError(message);
  throw new Error(message);
};
