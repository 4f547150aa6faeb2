import {
  IMAGE_TYPES,
  IN_ENGLISH,
  imageIdOfUlid,
  manifestKeyOf,
  originalPrefixOf,
  QuarantineMarker,
  quarantineKeyOf,
  type VariantEntry,
  VariantManifest,
} from "@lambda-lab/shared";
import type * as z from "zod/mini";
import type { ObjectReader } from "./s3-rest-reader.js";

export type UploadState = "pending" | "ready" | "quarantined" | "missing";

export interface UploadStatusReport {
  id: string;
  imageId: string;
  /**
   * `missing`: no original under the id (not uploaded yet, or deleted); `pending`: the original is there,
   * transform has not finished; `ready`: the manifest is written; `quarantined`: transform refused it.
   */
  status: UploadState;
  original:
    | { exists: false }
    | { exists: true; key: string; size: number; contentType: string | null; uploadedAt: string };
  variants: VariantEntry[];
  quarantine: { reason: string; detail: string; quarantinedAt: string } | null;
}

/** A record another function wrote does not match its shared schema: a bug to surface, not to hide. */
export class CorruptRecordError extends Error {
  override name = "CorruptRecordError";
}

const EXTENSIONS: ReadonlySet<string> = new Set(Object.values(IMAGE_TYPES));

const readRecord = async <S extends z.ZodMiniType>(
  reader: ObjectReader,
  key: string,
  schema: S,
): Promise<z.infer<S> | undefined> => {
  const object = await reader.get(key);
  if (!object) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(object.body.toString("utf8"));
  } catch (error) {
    throw new CorruptRecordError(`${key} is not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json, IN_ENGLISH);
  if (!parsed.success)
    throw new CorruptRecordError(`${key} does not match its schema: ${parsed.error.message}`);
  return parsed.data;
};

/** The original is `uploads/<imageId>.<ext>` for one of the image extensions: list, then read its head. */
const findOriginal = async (reader: ObjectReader, imageId: string) => {
  const page = await reader.listPage(originalPrefixOf(imageId), { maxKeys: 10 });
  const prefixLength = originalPrefixOf(imageId).length;
  const listed = page.objects.find((o) => EXTENSIONS.has(o.key.slice(prefixLength)));
  if (!listed) return undefined;
  const head = await reader.head(listed.key);
  // Deleted between the listing and the head: report it as gone, like the next poll would.
  return head ? { key: listed.key, head } : undefined;
};

/**
 * Everything a page polling an upload needs, from at most four reads (list + head, manifest, quarantine
 * marker), run concurrently. `owner` is the uploader recorded on the original, for the caller's check.
 */
export const getUploadStatus = async (
  id: string,
  reader: ObjectReader,
): Promise<{ report: UploadStatusReport; owner: string | undefined }> => {
  const imageId = imageIdOfUlid(id);
  const [original, manifest, marker] = await Promise.all([
    findOriginal(reader, imageId),
    readRecord(reader, manifestKeyOf(imageId), VariantManifest),
    readRecord(reader, quarantineKeyOf(imageId), QuarantineMarker),
  ]);
  const status: UploadState = !original ? "missing" : marker ? "quarantined" : manifest ? "ready" : "pending";
  return {
    report: {
      id,
      imageId,
      status,
      original: original
        ? {
            exists: true,
            key: original.key,
            size: original.head.size,
            contentType: original.head.contentType ?? null,
            uploadedAt: original.head.lastModified.toISOString(),
          }
        : { exists: false },
      variants: manifest?.variants ?? [],
      quarantine: marker
        ? { reason: marker.reason, detail: marker.detail, quarantinedAt: marker.quarantinedAt }
        : null,
    },
    owner: original?.head.metadata.owner,
  };
};
