import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DatabaseUnavailableError } from "../../src/cleanup.js";
import { CleanupEventError } from "../../src/event.js";

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
  let stateDir: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "orphan-cleanup-root-"));
    Object.assign(process.env, {
      BUCKET_NAME: "lab-images",
      DATABASE_URL: `postgres://lab:lab@127.0.0.1:${await closedPort()}/lab`,
      STATE_DIR: stateDir,
      AWS_REGION: "us-east-1",
      GRACE_PERIOD_HOURS: "24",
      MAX_DELETES: "1000",
      DRY_RUN: "false",
      TIME_ZONE: "Asia/Seoul",
      POWERTOOLS_LOG_LEVEL: "SILENT",
    });
  });

  afterAll(async () => {
    process.env = saved;
    await rm(stateDir, { recursive: true, force: true });
  });

  it("validates the environment at import, and loads neither the handler nor pg", async () => {
    const root = await import("../../src/index.js");

    expect(typeof root.handler).toBe("function");
    expect([...loaded]).toEqual([]);
  });

  it("loads the handler on the first invocation, which still refuses a bad event before any work", async () => {
    const { handler } = await import("../../src/index.js");

    await expect(handler({ dryrun: true })).rejects.toThrow(CleanupEventError);

    expect([...loaded]).toEqual(["handler"]);
  });

  it("loads pg on the first query, and a database that is down still stops the run", async () => {
    const { handler } = await import("../../src/index.js");

    await expect(handler({ dryRun: true })).rejects.toThrow(DatabaseUnavailableError);

    expect(loaded.has("pg")).toBe(true);
  });
});
