import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import {
  imageIdOfKey,
  manifestKeyOf,
  PREFIXES,
  QuarantineMarker,
  quarantineKeyOf,
  VariantManifest,
} from "@lambda-lab/shared";
import type { Pool } from "pg";

export interface UploadView {
  key: string;
  imageId: string;
  size: number;
  lastModified: string;
  contentType: string | undefined;
  owner: string | undefined;
  url: string;
  /** The post it is attached to (its `images` row), or null: an orphan once older than the grace period. */
  postId: number | null;
  attached: boolean;
  status: "pending" | "done" | "quarantined";
  variants: {
    name: string;
    format: string;
    width: number;
    height: number;
    bytes: number;
    key: string;
    url: string;
  }[];
  quarantine?: { reason: string; detail: string };
}

const listAll = async (s3: S3Client, bucket: string, prefix: string) => {
  const objects: { key: string; size: number; lastModified: Date }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const o of page.Contents ?? [])
      objects.push({ key: o.Key ?? "", size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
};

const getJson = async (s3: S3Client, bucket: string, key: string): Promise<unknown> => {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse((await out.Body?.transformToString()) ?? "null");
};

/**
 * The uploads the page shows, newest first: each original with its post (if attached), and its variants
 * from the manifest the transform function writes last, or the quarantine marker's reason.
 */
export const listUploads = async (options: {
  s3: S3Client;
  pool: Pool;
  bucket: string;
  publicEndpoint: string;
  limit?: number;
}): Promise<UploadView[]> => {
  const { s3, bucket } = options;
  const [originals, manifests, quarantined, rows] = await Promise.all([
    listAll(s3, bucket, PREFIXES.uploads),
    listAll(s3, bucket, PREFIXES.variants).then(
      (all) => new Set(all.map((o) => o.key).filter((k) => k.endsWith("/manifest.json"))),
    ),
    listAll(s3, bucket, PREFIXES.quarantine).then((all) => new Set(all.map((o) => o.key))),
    options.pool.query<{ key: string; post_id: string | null }>("select key, post_id from images"),
  ]);
  const posts = new Map(rows.rows.map((r) => [r.key, r.post_id === null ? null : Number(r.post_id)]));
  const objectUrl = (key: string) =>
    `${options.publicEndpoint}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
  const newest = originals
    .sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime())
    .slice(0, options.limit ?? 50);
  return Promise.all(
    newest.map(async (o): Promise<UploadView> => {
      const imageId = imageIdOfKey(o.key) ?? o.key;
      const head = await s3
        .send(new HeadObjectCommand({ Bucket: bucket, Key: o.key }))
        .catch(() => undefined);
      const view: UploadView = {
        key: o.key,
        imageId,
        size: o.size,
        lastModified: o.lastModified.toISOString(),
        contentType: head?.ContentType,
        owner: head?.Metadata?.owner,
        url: objectUrl(o.key),
        postId: posts.get(o.key) ?? null,
        attached: posts.has(o.key),
        status: "pending",
        variants: [],
      };
      if (manifests.has(manifestKeyOf(imageId))) {
        const manifest = VariantManifest.safeParse(
          await getJson(s3, bucket, manifestKeyOf(imageId)).catch(() => null),
        );
        if (manifest.success) {
          view.status = "done";
          view.variants = manifest.data.variants.map((v) => ({
            name: v.name,
            format: v.format,
            width: v.width,
            height: v.height,
            bytes: v.bytes,
            key: v.key,
            url: objectUrl(v.key),
          }));
        }
      } else if (quarantined.has(quarantineKeyOf(imageId))) {
        const marker = QuarantineMarker.safeParse(
          await getJson(s3, bucket, quarantineKeyOf(imageId)).catch(() => null),
        );
        view.status = "quarantined";
        if (marker.success) view.quarantine = { reason: marker.data.reason, detail: marker.data.detail };
      }
      return view;
    }),
  );
};
