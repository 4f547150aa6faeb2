import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import { describe, expect, it } from "vitest";
import { CleanupEventError } from "../../src/event.js";
import { makeScheduledEvent } from "../support/events.js";
import {
  createMemoryLedger,
  createMemoryRefs,
  fakeContext,
  tempStateRoot,
  uploadKey,
} from "../support/fakes.js";
import { makeTestHandler } from "../support/harness.js";

const NOW = new Date("2025-06-01T00:00:00Z");
const OLD = new Date("2025-05-20T00:00:00Z");

const setup = async (env = {}) => {
  const store = createMemoryObjectStore(() => NOW);
  const kept = uploadKey(1, OLD);
  const orphan = uploadKey(2, OLD);
  store.seed(kept, "x", { lastModified: OLD });
  store.seed(orphan, "x", { lastModified: OLD });
  const { handler, log } = makeTestHandler({
    store,
    refs: createMemoryRefs([kept]),
    ledger: createMemoryLedger(),
    stateRoot: await tempStateRoot(),
    now: () => NOW,
    env,
  });
  return { store, handler, log, kept, orphan };
};

describe("handler", () => {
  it("runs on an EventBridge Scheduled Event and returns the run's report", async () => {
    const { store, handler, orphan, kept } = await setup();

    const report = await handler(makeScheduledEvent(), fakeContext());

    expect(report).toMatchObject({
      status: "completed",
      scanned: 2,
      referenced: 1,
      deleted: 1,
      deletedSample: [orphan],
    });
    expect(store.objects.has(orphan)).toBe(false);
    expect(store.objects.has(kept)).toBe(true);
  });

  it("rejects a malformed payload before touching the bucket", async () => {
    const { store, handler } = await setup();

    await expect(handler({ dryRun: "yes" }, fakeContext())).rejects.toThrow(CleanupEventError);

    expect(store.calls.listPage + store.calls.deleteMany).toBe(0);
  });

  it("runs without a Lambda context (a local invocation has no deadline)", async () => {
    const { handler } = await setup();

    expect((await handler({ dryRun: true })).status).toBe("completed");
  });

  it("refuses to start with less time left than the safety margin", async () => {
    const { store, handler } = await setup();

    await expect(handler({}, { getRemainingTimeInMillis: () => 30_000 })).rejects.toThrow(
      /TIME_SAFETY_MARGIN_MS/,
    );
    expect(store.calls.listPage).toBe(0);
  });

  it("logs progress every PROGRESS_EVERY_PAGES pages", async () => {
    const { handler, log } = await setup({ PROGRESS_EVERY_PAGES: 1 });

    await handler({}, fakeContext());

    expect(log.lines.filter((line) => line.message === "orphan-cleanup progress")).toHaveLength(1);
    expect(
      log.lines.find((line) => line.message === "orphan-cleanup run finished")?.attributes,
    ).toMatchObject({ deleted: 1 });
  });
});
