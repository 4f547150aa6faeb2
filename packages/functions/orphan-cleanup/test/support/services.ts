import { setTimeout as sleep } from "node:timers/promises";
import { migrate } from "@lambda-lab/db";
import type { ObjectStore } from "@lambda-lab/shared";
import type { LocalS3 } from "@lambda-lab/shared/testing";
import { createS3ObjectStore } from "@lambda-lab/shared/testing";
import pg from "pg";
import { type Dataset, seedStore } from "./dataset.js";

export const migrated = async (url: string) => {
  await migrate({ connection: { connectionString: url } });
};

export const query = async <R extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
};

export const insertReferences = (url: string, keys: string[]) =>
  query(
    url,
    "insert into images (key, owner_id, content_type, bytes) select k, 'owner-1', 'image/jpeg', 1 from unnest($1::text[]) as k on conflict do nothing",
    [keys],
  );

/**
 * Seeds a real S3: old images first, then (after a pause longer than LastModified's one-second precision)
 * the young ones. Returns the clock to run with: 24 h after the boundary, so the cutoff falls between.
 */
export const seedWithBoundary = async (
  s3: LocalS3,
  dataset: Dataset,
): Promise<{ store: ObjectStore; now: () => Date }> => {
  const store = createS3ObjectStore(s3.client, s3.bucket);
  await seedStore(store, dataset, "old");
  await sleep(1100);
  const boundary = new Date();
  await sleep(1100);
  await seedStore(store, dataset, "young");
  const now = new Date(boundary.getTime() + 24 * 3_600_000);
  return { store, now: () => now };
};
