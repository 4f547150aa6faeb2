import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpointPathOf } from "../../src/lessons/checkpoint-demo.js";
import { type PageLab, pressTrigger, startPageLab } from "../support/page-lab.js";

/**
 * Two lessons end to end on the page, in headless Chromium against the real lab: the network picture of
 * the dev stack (its own shared layout, then the split one for comparison) and the 15-minute limit run
 * over a generated bucket with a 2 s timeout. Screenshots: test-results/network-shared.png,
 * network-split.png and fifteen-minutes.png.
 */

let lab: PageLab;

beforeAll(async () => {
  lab = await startPageLab({ demoData: false }, { width: 1280, height: 1000 });
}, 180_000);

afterAll(async () => {
  await lab?.stop();
});

describe("the subnets-versus-security-groups lesson", () => {
  it("draws the stack's shared layout: the database's port open to the functions' group only", async () => {
    const text = await pressTrigger(lab.page, "subnets-security-groups", "network");
    expect(text).toContain("shared layout");
    const svg = lab.page.locator("[data-testid=network-svg] svg");
    await expect.poll(() => svg.locator('[data-node="sg:database"]').count()).toBe(1);
    expect(await svg.locator('[data-edge="database-from-functions"]').count()).toBe(1);
    // The lesson's point, named on the page: what shares the database's subnets without a rule into it.
    const points = await lab.page.locator("[data-point=same-subnet-no-rule]").allTextContents();
    expect(points.join("\n")).toMatch(/network-efs-sg sits in the same private subnets as the database/);
    expect(points.join("\n")).toMatch(/network-endpoints-sg/);
    await lab.page.locator("[data-testid=network-svg]").scrollIntoViewIfNeeded();
    await lab.shot("network-shared");
    expect(lab.pageErrors).toEqual([]);
  }, 60_000);

  it("draws the split layout for comparison: the database alone in its isolated tier, still reached", async () => {
    await lab.page.locator("[data-testid=network-layout]").selectOption("split");
    await lab.page.locator("[data-testid=trigger-network]").click();
    const shown = lab.page.locator("[data-testid=network-layout-shown]");
    await expect
      .poll(async () => (await shown.textContent()) ?? "", { timeout: 30_000 })
      .toContain("split layout");
    expect(await shown.textContent()).toContain("this stack deploys shared");
    const svg = lab.page.locator("[data-testid=network-svg] svg");
    expect(await svg.locator('[data-node="tier:database"]').count()).toBe(1);
    expect(await lab.page.locator("[data-point=other-subnet-rule]").allTextContents()).toEqual([
      expect.stringMatching(
        /network-functions-sg sits in other subnets than the database and still reaches port 5432/,
      ),
    ]);
    await lab.page.locator("[data-testid=network-svg]").scrollIntoViewIfNeeded();
    await lab.shot("network-split");
    expect(lab.pageErrors).toEqual([]);
  }, 60_000);
});

describe("the 15-minute limit lesson", () => {
  it("generates a bucket, runs with a 2 s timeout: paused invocations, the checkpoint file, a completed end", async () => {
    const block = lab.page.locator("[data-testid=lesson-fifteen-minutes]");
    await block.locator("summary").click();
    await block.locator("[data-testid=checkpoint-objects]").fill("8000");
    await block.locator("[data-testid=checkpoint-generate]").click();
    const generated = block.locator("[data-testid=checkpoint-generated]");
    await expect
      .poll(async () => (await generated.textContent()) ?? "", { timeout: 120_000 })
      .toMatch(/^8000 originals \(6400 older than the 2 h grace period, 1600 younger\)/);
    await block.locator("[data-testid=checkpoint-timeout]").fill("2");
    const text = await pressTrigger(lab.page, "fifteen-minutes", "checkpoint-demo", 240_000);
    expect(text).toMatch(
      /completed, 8000 originals scanned, 6400 would be deleted, 8000 still in the bucket/,
    );
    const rows = block.locator("[data-testid=checkpoint-invocations] tbody tr");
    expect(await block.locator("tr[data-paused=true]").count()).toBeGreaterThan(0);
    expect(await rows.last().getAttribute("data-paused")).toBe("false");
    // The checkpoint the first invocation left, as the page read it from the EFS stand-in.
    const first = (await block.locator("[data-testid=checkpoint-file-1] pre").textContent()) ?? "";
    const onDisk = JSON.parse(first) as { lastKey: string };
    expect(onDisk.lastKey).toMatch(/^uploads\//);
    expect(await block.locator("[data-testid=checkpoint-file-1] summary").textContent()).toContain(
      checkpointPathOf(join(lab.dataDir, "efs")),
    );
    // Once the run is recorded in cleanup_runs, orphan-cleanup removes its checkpoint (the next run starts
    // afresh) and leaves the run's report beside it on EFS.
    const efs = dirname(checkpointPathOf(join(lab.dataDir, "efs")));
    expect(existsSync(checkpointPathOf(join(lab.dataDir, "efs")))).toBe(false);
    const reports = readdirSync(join(efs, "reports"));
    expect(reports).toHaveLength(1);
    const report = JSON.parse(readFileSync(join(efs, "reports", reports[0]!), "utf8")) as { runId: string };
    expect(report.runId).toBe(JSON.parse(first).runId);
    await block.locator("[data-testid=checkpoint-invocations]").scrollIntoViewIfNeeded();
    await lab.shot("fifteen-minutes");
    expect(lab.pageErrors).toEqual([]);
  }, 420_000);
});
