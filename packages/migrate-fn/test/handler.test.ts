import { DatabaseEnv, MIGRATIONS_DIR, migrate, resolveConnectionConfig } from "@lambda-lab/db";
import { type LocalPostgres, startLocalPostgres } from "@lambda-lab/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeHandler } from "../src/handler.js";

/** The cloud path: DATABASE_HOST + the RDS-managed secret (here served by a fake Secrets Manager). */
describe("the migration runner against a real PostgreSQL", () => {
  let db: LocalPostgres;
  let secret: string;
  const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-lab-AbCdEf";
  beforeAll(async () => {
    db = await startLocalPostgres();
    const url = new URL(db.url);
    secret = JSON.stringify({
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    });
  }, 120_000);
  afterAll(async () => {
    await db?.stop();
  });

  const handlerFor = (name: string, log: string[] = []) => {
    const env = DatabaseEnv.parse({
      DATABASE_HOST: "127.0.0.1",
      DATABASE_PORT: String(db.port),
      DATABASE_NAME: name,
      DATABASE_SECRET_ARN: secretArn,
      DATABASE_SSL: "disable",
    });
    return makeHandler({
      env,
      migrationsDir: MIGRATIONS_DIR,
      readSecret: async (arn) => {
        if (arn !== secretArn) throw new Error(`AccessDenied: ${arn}`);
        return secret;
      },
      resolveConnection: resolveConnectionConfig,
      migrate,
      log: (m) => log.push(m),
    });
  };

  it("applies the pending migrations, then reports the schema up to date", async () => {
    const log: string[] = [];
    const handler = handlerFor(new URL(db.url).pathname.slice(1), log);
    const first = await handler({ source: "pulumi", action: "migrate" });
    expect(first.applied.length).toBeGreaterThan(0);
    expect(await handler({})).toEqual({ applied: [] });
    expect(log.at(-1)).toBe("schema up to date");
  });

  it("fails the invocation (and so the deploy) when the database is unreachable", async () => {
    await expect(handlerFor("no_such_database")({})).rejects.toThrow(/no_such_database/);
  });
});
