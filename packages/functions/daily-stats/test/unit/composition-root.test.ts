import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DailyStatsEventError } from "../../src/event.js";
import { StatsDatabaseError } from "../../src/stats-database.js";

// Which modules the composition root has evaluated: Init should load only what Init needs (README, "Cold start").
const loaded = vi.hoisted(() => new Set<string>());
vi.mock("pg", async (importOriginal) => {
  loaded.add("pg");
  return importOriginal();
});
vi.mock("../../src/handler.js", async (importOriginal) => {
  loaded.add("handler");
  return importOriginal();
});

/** A loopback port nothing listens on: the database is down. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

describe("composition root", () => {
  const saved = { ...process.env };

  beforeAll(async () => {
    Object.assign(process.env, {
      BUCKET_NAME: "lab-images",
      DATABASE_URL: `postgres://lab:lab@127.0.0.1:${await closedPort()}/lab`,
      AWS_REGION: "us-east-1",
      TIME_ZONE: "Asia/Seoul",
      POWERTOOLS_LOG_LEVEL: "SILENT",
    });
  });

  afterAll(() => {
    process.env = saved;
  });

  it("validates the environment at import, and loads neither the handler nor pg", async () => {
    const root = await import("../../src/index.js");

    expect(typeof root.handler).toBe("function");
    expect([...loaded]).toEqual([]);
  });

  it("loads the handler on the first invocation, which still refuses a bad event before any I/O", async () => {
    const { handler } = await import("../../src/index.js");

    await expect(handler({ day: "2025-11-24" })).rejects.toThrow(DailyStatsEventError);

    expect([...loaded]).toEqual(["handler"]);
  });

  it("loads pg on the first connect, and a database that is down still fails the run", async () => {
    const { handler } = await import("../../src/index.js");

    await expect(handler({})).rejects.toThrow(StatsDatabaseError);

    expect(loaded.has("pg")).toBe(true);
  });
});
