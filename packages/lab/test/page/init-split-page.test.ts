import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PageLab, pressTrigger, startPageLab } from "../support/page-lab.js";

/**
 * The init split on the page, in headless Chromium against the real lab: the cold-start trigger's answer and
 * the invocation detail of that cold start each show where the init went — runtime start, bundle load,
 * module initialisation — as figures and a bar. Screenshot: init-split.png.
 */

let lab: PageLab;
beforeAll(async () => {
  lab = await startPageLab({ demoData: false });
});
afterAll(async () => {
  await lab?.stop();
});

const PARTS = ["runtime", "load", "evaluate"];

describe("the init split", () => {
  it("splits a forced cold start's init on the trigger's answer and in the invocation's detail", async () => {
    // Act
    const answer = await pressTrigger(lab.page, "cold-starts", "cold-start");
    // Assess: the trigger's answer
    expect(answer).toMatch(/runtime start\s+[\d.]+\s*ms/);
    expect(answer).toMatch(/bundle load\s+[\d.]+\s*ms/);
    expect(answer).toMatch(/module initialisation\s+[\d.]+\s*ms/);
    const result = lab.page.locator("[data-testid=result-cold-start] [data-testid=init-split]");
    expect(
      await result.locator("li").evaluateAll((els) => els.map((e) => e.getAttribute("data-part"))),
    ).toEqual(PARTS);
    const requestId = /([0-9a-f]{8}-[0-9a-f-]{27})/.exec(answer)?.[1] ?? "";
    // … and the same invocation's detail
    const row = lab.page.locator(`[data-testid=invocation-row][data-request-id="${requestId}"]`);
    await row.click();
    const split = lab.page.locator("[data-testid=invocation-detail] [data-testid=init-split]");
    await split.waitFor({ timeout: 10_000 });
    expect(
      await split.locator("li").evaluateAll((els) => els.map((e) => e.getAttribute("data-part"))),
    ).toEqual(PARTS);
    // The bar's segments are the parts, sized by their share of the whole.
    const widths = await split
      .locator("[role=img] span")
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(widths).toHaveLength(3);
    expect(widths.every((w) => w >= 0)).toBe(true);
    expect(widths.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await split.scrollIntoViewIfNeeded();
    await lab.shot("init-split");
    expect(lab.pageErrors).toEqual([]);
  }, 120_000);
});
