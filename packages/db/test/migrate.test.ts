import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseEnv, resolveConnectionConfig } from "../src/connection.js";
import { migrate } from "../src/migrate.js";
import { type LocalPostgres, startLocalPostgres } from "../src/testing/embedded-postgres.js";

describe("migrations against a real PostgreSQL", () => {
  let db: LocalPostgres;
  beforeAll(async () => {
    db = await startLocalPostgres();
  }, 60_000);
  afterAll(async () => {
    await db?.stop();
  });

  it("creates the schema once, then has nothing to do", async () => {
    const connection = { connectionString: db.url };
    expect(await migrate({ connection })).toEqual(["1764028800000_initial-schema"]);
    expect(await migrate({ connection })).toEqual([]);

    const client = new pg.Client(connection);
    await client.connect();
    const tables = await client.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' order by 1",
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      "cleanup_runs",
      "daily_stats",
      "images",
      "pgmigrations",
      "posts",
    ]);
    await expect(
      client.query(
        "insert into images (key, owner_id, content_type, bytes) values ('variants/x', 'u', 'image/png', 1)",
      ),
    ).rejects.toThrow(/images_key_check/);
    await client.end();
  });

  it("rolls the schema back down and up again", async () => {
    const connection = { connectionString: db.url };
    expect(await migrate({ connection, direction: "down", count: 1 })).toEqual([
      "1764028800000_initial-schema",
    ]);
    expect(await migrate({ connection })).toEqual(["1764028800000_initial-schema"]);
  });
});

describe("database env", () => {
  it("needs a URL, or a host with a secret", () => {
    expect(DatabaseEnv.safeParse({}).success).toBe(false);
    expect(DatabaseEnv.safeParse({ DATABASE_HOST: "db" }).success).toBe(false);
    expect(DatabaseEnv.parse({ DATABASE_HOST: "db", DATABASE_SECRET_ARN: "arn:x" })).toMatchObject({
      DATABASE_PORT: 5432,
    });
  });

  it("reads the RDS-managed secret for the user and password", async () => {
    const env = DatabaseEnv.parse({ DATABASE_HOST: "db.internal", DATABASE_SECRET_ARN: "arn:secret" });
    const config = await resolveConnectionConfig(env, async (arn) => {
      expect(arn).toBe("arn:secret");
      return JSON.stringify({ username: "lab", password: "pw", engine: "postgres" });
    });
    expect(config).toEqual({
      host: "db.internal",
      port: 5432,
      database: "lab",
      user: "lab",
      password: "pw",
      ssl: true,
    });
  });

  it("refuses a secret that is not an RDS secret, without echoing it", async () => {
    const env = DatabaseEnv.parse({ DATABASE_HOST: "db", DATABASE_SECRET_ARN: "arn:secret" });
    await expect(
      resolveConnectionConfig(env, async () => JSON.stringify({ token: "hunter2" })),
    ).rejects.toThrow(/not an RDS secret/);
  });
});
