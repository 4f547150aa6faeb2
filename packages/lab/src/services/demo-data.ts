import { readFile } from "node:fs/promises";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { originalKey } from "@lambda-lab/shared";
import type { Pool } from "pg";
import { ulid } from "ulid";
import type { S3Port } from "./s3/port.js";
import { ensureSampleUpload } from "./sample-upload.js";

const DEMO_DIR = new URL("../../demo/", import.meta.url);

/**
 * The first start's demo data: three posts, one uploaded photo attached to the first, and one upload never
 * attached and three days old, so the first cleanup run (dry or real) has an orphan to find.
 */
export const seedDemoData = async (options: {
  pool: Pool;
  /** The bucket's client, and `backdate` to make the orphan three days old. */
  s3: Pick<S3Port, "client" | "bucket" | "backdate">;
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
    await options.s3.client.send(
      new PutObjectCommand({
        Bucket: options.s3.bucket,
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
  await options.s3.backdate(orphanKey, threeDaysAgo);
  return { seeded: true, attachedKey, orphanKey };
};

/**
 * The lab's first-start data when `enabled` (the default): the demo posts and uploads, and the object the
 * sample events name (transform-s3-put, upload-status, daily-stats' days), so each sample does what its
 * README says.
 */
export const seedLab = async (
  deps: Parameters<typeof seedDemoData>[0],
  enabled: boolean,
): Promise<Awaited<ReturnType<typeof seedDemoData>> | { seeded: false }> => {
  if (!enabled) return { seeded: false };
  const demo = await seedDemoData(deps);
  await ensureSampleUpload(deps);
  return demo;
};
