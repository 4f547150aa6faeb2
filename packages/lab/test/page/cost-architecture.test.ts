import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lab } from "../../src/lab.js";
import { type PageLab, startPageLab } from "../support/page-lab.js";

/**
 * The cost panel and the live architecture diagram in headless Chromium, against the real lab: a burst of
 * real upload invocations, priced from their REPORT lines, and counted on the diagram's function node.
 * Screenshots go to packages/lab/test-results/ (gitignored).
 */
const here = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(here, "..", "..", "test-results");

let env: PageLab;
let lab: Lab;
let page: Page;
let pageErrors: string[] = [];
/** What a person reads: the text with its line breaks folded. */
const text = async (selector: string) =>
  ((await page.locator(selector).textContent()) ?? "").replace(/\s+/g, " ").trim();

beforeAll(async () => {
  env = await startPageLab({ demoData: false }, { width: 1280, height: 900 });
  ({ lab, page, pageErrors } = env);
}, 240_000);

afterAll(async () => {
  await env?.stop();
}, 60_000);

describe("the cost panel and the live diagram", () => {
  it("price a burst from its REPORT lines and count it on the upload node", async () => {
    // Prepare: the page is live, and the diagram is the stack's generated SVG
    await expect
      .poll(() => page.locator("#connection").getAttribute("data-state"), { timeout: 15_000 })
      .toBe("live");
    await expect.poll(() => page.locator('#architecture-diagram g[data-node="fn:upload"]').count()).toBe(1);
    // Act: a burst of 8 through the page's own form; what the reservation cannot take gets a 429
    const limit = lab.runtime.state().find((f) => f.id === "upload")!.concurrencyLimit;
    const ran = Math.min(8, limit);
    await page.selectOption("#burst-function", "upload");
    await page.fill("#burst-count", "8");
    await page.click("#burst-submit");
    // Assess: only what ran is billed, and the node counts both
    await expect
      .poll(() => text("[data-testid=cost-burst]"), { timeout: 30_000 })
      .toMatch(/The last burst \(8 × upload\) would have cost \$0\.0000\d+ on arm64/);
    await expect
      .poll(() => text("[data-testid=cost-summary]"))
      .toMatch(new RegExp(`^${ran} invocations would have cost`));
    await expect
      .poll(() => text("[data-testid=live-upload]"))
      .toBe(ran < 8 ? `${ran} ok · ${8 - ran}×429` : `${ran} ok`);
    const api = (await page.evaluate(() => fetch("/api/cost").then((r) => r.json()))) as {
      functions: { functionId: string; invocations: number; tuning: { modelled: number } }[];
    };
    expect(api.functions.find((f) => f.functionId === "upload")).toMatchObject({
      invocations: ran,
      tuning: { modelled: ran },
    });
    await expect.poll(() => page.locator("[data-testid=cost-tuning-upload]").count()).toBe(1);
    await page.locator("#cost").screenshot({ path: join(RESULTS, "cost-panel.png") });
    await page.locator("#architecture").screenshot({ path: join(RESULTS, "architecture-live.png") });
    await page.click("#architecture-diagram");
    await page.locator('#architecture-diagram g[data-node="fn:upload"]').screenshot({
      path: join(RESULTS, "architecture-live-upload-node.png"),
    });
    expect(pageErrors).toEqual([]);
  });
});
