import { readFile, utimes } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { originalKey } from "@lambda-lab/shared";
import type { Pool } from "pg";
import { ulid } from "ulid";

const DEMO_DIR = new URL("../../demo/", import.meta.url);

/**
 * Where s3rver keeps an object's bytes; its mtime is the object's Last-Modified. Setting it back is the
 * lab's "time travel": an upload can be made older than the cleanup grace period without waiting hours.
 */
export const s3rverObjectPath = (s3Dir: string, bucket: string, key: string): string =>
  join(s3Dir, bucket, `${key}._S3rver_object`);

export const backdateObject = async (s3Dir: string, bucket: string, key: string, to: Date): Promise<void> => {
  await utimes(s3rverObjectPath(s3Dir, bucket, key), to, to);
};

/**
 * The first start's demo data: three posts, one uploaded photo attached to the first, and one upload never
 * attached and three days old, so the first cleanup run (dry or real) has an orphan to find.
 */
export const seedDemoData = async (options: {
  pool: Pool;
  s3: S3Client;
  s3Dir: string;
  bucket: string;
}): Promise<{ seeded: boolean; attachedKey?: string; orphanKey?: string }> => {
  const { rows } = await options.pool.query<{ n: string }>("select count(*) as n from posts");
  if (Number(rows[0]?.n ?? 0) > 0) return { seeded: false };
  const posts = await options.pool.query<{ id: string }>(
    `insert into posts (owner_id, title) values
       ('ada', 'Hello from the local lab'), ('grace', 'Holiday photos'), ('ada', 'Draft: nothing attached yet')
     returning id`,
  );
  const put = async (file: string, contentType: "image/jpeg" | "image/gif", owner: string, time: Date) => {
    const key = originalKey(ulid(time.getTime()), contentType);
    await options.s3.send(
      new PutObjectCommand({
        Bucket: options.bucket,
        Key: key,
        Body: await readFile(new URL(file, DEMO_DIR)),
        ContentType: contentType,
        Metadata: { owner },
      }),
    );
    return key;
  };
  const now = new Date();
  const attachedKey = await put("landscape.jpg", "image/jpeg", "ada", now);
  await options.pool.query(
    "insert into images (key, post_id, owner_id, content_type, bytes) values ($1, $2, 'ada', 'image/jpeg', $3)",
    [attachedKey, posts.rows[0]!.id, (await readFile(new URL("landscape.jpg", DEMO_DIR))).length],
  );
  const threeDaysAgo = new Date(now.getTime() - 3 * 86_400_000);
  const orphanKey = await put("animated.gif", "image/gif", "grace", threeDaysAgo);
  await backdateObject(options.s3Dir, options.bucket, orphanKey, threeDaysAgo);
  return { seeded: true, attachedKey, orphanKey };
};
