import { readFile } from "node:fs/promises";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { Pool } from "pg";
import { EVENTS_DIR } from "../paths.js";
import type { S3Port } from "./s3/port.js";

const DEMO_IMAGE = new URL("../../demo/landscape.jpg", import.meta.url);

/**
 * The object the sample events talk about, read from `transform-s3-put.json` (one fact, one place): its key,
 * the event time (the original's Last-Modified, so daily-stats' sample days count it) and its ETag.
 */
export const sampleUploadOf = async () => {
  const event = JSON.parse(await readFile(`${EVENTS_DIR}/transform-s3-put.json`, "utf8")) as {
    Records: { eventTime: string; s3: { object: { key: string; eTag: string } } }[];
  };
  const record = event.Records[0];
  if (!record) throw new Error("transform-s3-put.json has no record");
  return {
    key: decodeURIComponent(record.s3.object.key),
    at: new Date(record.eventTime),
    etag: record.s3.object.eTag,
  };
};

/**
 * Makes the sample events true on every start: `transform-s3-put` names an original that exists (the demo
 * landscape photo, whose MD5 is the event's ETag), `upload-status` asks for that upload, and the daily-stats
 * samples compute its day. It is attached to the first post, so a cleanup run keeps it.
 */
export const ensureSampleUpload = async (options: {
  pool: Pool;
  /** The bucket's client, and `backdate` to give the original the event's time. */
  s3: Pick<S3Port, "client" | "bucket" | "backdate">;
}) => {
  const sample = await sampleUploadOf();
  const exists = await options.s3.client
    .send(new HeadObjectCommand({ Bucket: options.s3.bucket, Key: sample.key }))
    .then(() => true)
    .catch(() => false);
  const body = await readFile(DEMO_IMAGE);
  if (!exists) {
    await options.s3.client.send(
      new PutObjectCommand({
        Bucket: options.s3.bucket,
        Key: sample.key,
        Body: body,
        ContentType: "image/jpeg",
        Metadata: { owner: "ada" },
      }),
    );
    await options.s3.backdate(sample.key, sample.at);
  }
  await options.pool.query(
    `insert into images (key, post_id, owner_id, content_type, bytes)
       select $1, (select min(id) from posts), 'ada', 'image/jpeg', $2
       where not exists (select 1 from images where key = $1)`,
    [sample.key, body.length],
  );
  return sample;
};
