import pg from "pg";
import { expect, it } from "vitest";
import { startLocalPostgres } from "../src/testing/embedded-postgres.js";

it("starts a real PostgreSQL that logs slow statements with the RDS prefix", async () => {
  const db = await startLocalPostgres({ settings: { log_min_duration_statement: "50" } });
  try {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query("select pg_sleep(0.1)");
    await client.end();
    await new Promise((r) => setTimeout(r, 200));
    expect(db.logLines.some((l) => /duration: [\d.]+ ms {2}statement: select pg_sleep\(0\.1\)/.test(l))).toBe(
      true,
    );
  } finally {
    await db.stop();
  }
}, 60_000);
