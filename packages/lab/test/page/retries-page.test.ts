import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PageLab, pressTrigger, startPageLab } from "../support/page-lab.js";

/**
 * The async-retries lesson on the page, in headless Chromium against the real lab: the clock switched to
 * fast-forward from the page, each trigger pressed, each timeline checked (attempts 1–3 with their outcome,
 * Lambda's 1 and 2 minute waits labelled as fast-forwarded, the destination record, the Slack alert), then
 * the fix and a redrive from the on-failure queue. Screenshots: async-retries.png, redrive.png.
 */

let lab: PageLab;
beforeAll(async () => {
  lab = await startPageLab({
    demoData: false,
    build: "never",
    functions: { alerts: { environment: { SLACK_MIN_INTERVAL_MS: "0", DEDUP_WINDOW_SECONDS: "0" } } },
  });
});
afterAll(async () => {
  await lab?.stop();
});

const timeline = (requestId: string) =>
  lab.page.locator(`[data-testid=timeline][data-request-id="${requestId}"]`);
/** The error trigger's request, redriven by the last test. */
let failedByError = "";
const requestIdIn = (text: string) => /([0-9a-f]{8}-[0-9a-f-]{27})/.exec(text)?.[1] ?? "";

describe("the async-retries lesson", () => {
  it("starts on Lambda's real waits and fast-forwards from the page, saying so", async () => {
    const { page } = lab;
    const label = page.locator("[data-testid=retry-clock-label]");
    await expect.poll(() => label.textContent()).toContain("real time: Lambda's waits, 1 min then 2 min");
    await page.locator("[data-testid=retry-clock-fast]").check();
    await expect.poll(() => label.textContent()).toContain("fast-forward ×60");
  });

  it("shows an error's three attempts, Lambda's waits, the on-failure record and the Slack alert", async () => {
    // Act
    const answer = await pressTrigger(lab.page, "async-retries", "retry-error");
    const requestId = requestIdIn(answer);
    // Assess
    expect(answer).toContain("202 Accepted");
    const t = timeline(requestId);
    await expect.poll(() => t.getAttribute("data-outcome"), { timeout: 60_000 }).toBe("on-failure");
    const attempts = t.locator("[data-testid=attempt]");
    expect(await attempts.evaluateAll((els) => els.map((e) => e.getAttribute("data-status")))).toEqual([
      "error",
      "error",
      "error",
    ]);
    // The panel's markup breaks lines between its parts: compare the text as it reads.
    const firstAttempt = ((await attempts.first().textContent()) ?? "").replace(/\s+/g, " ");
    expect(firstAttempt).toMatch(/Attempt 1 of 3 · \d\d:\d\d:\d\d\.\d{3} → /);
    const waits = await t.locator("[data-testid=wait]").allTextContents();
    expect(waits).toHaveLength(2);
    expect(waits[0]).toMatch(/^Lambda waits 1 min: .* here, fast-forward ×60$/);
    expect(waits[1]).toMatch(/^Lambda waits 2 min: .* here, fast-forward ×60$/);
    await expect
      .poll(() => t.locator("[data-testid=destination]").textContent())
      .toContain("RetriesExhausted after 3 attempts");
    await t.locator("[data-testid=alert]").waitFor({ timeout: 30_000 });
    expect(lab.lab.slack.messages().some((m) => JSON.stringify(m.payload).includes(requestId))).toBe(true);
    failedByError = requestId;
    await t.scrollIntoViewIfNeeded();
    await lab.shot("async-retries");
  });

  it("shows a timeout the same way, each attempt stopped at the function's 3 s timeout", async () => {
    const answer = await pressTrigger(lab.page, "async-retries", "retry-timeout");
    const t = timeline(requestIdIn(answer));
    await expect.poll(() => t.getAttribute("data-outcome"), { timeout: 60_000 }).toBe("on-failure");
    const attempts = t.locator("[data-testid=attempt]");
    expect(await attempts.evaluateAll((els) => els.map((e) => e.getAttribute("data-status")))).toEqual([
      "timeout",
      "timeout",
      "timeout",
    ]);
    expect(await attempts.first().textContent()).toContain("Task timed out after 3.00 seconds");
  });

  it("redrives the failed event from the on-failure queue after the fix, and the record says it succeeded", async () => {
    const { page } = lab;
    // Prepare: the error's record in the queue, then the fix.
    const failed = failedByError;
    expect(failed).not.toBe("");
    await page.locator("[data-testid=retry-fix]").click();
    await expect.poll(() => page.locator("[data-testid=retry-fault]").textContent()).toContain("fixed");
    // Act
    await page.locator(`[data-testid=redrive-${failed}]`).click();
    // Assess
    const entry = page.locator(`[data-testid=on-failure-entry][data-request-id="${failed}"]`);
    await expect
      .poll(() => entry.locator("[data-testid=redrive-outcome]").textContent(), { timeout: 30_000 })
      .toBe("redriven: succeeded");
    const redriven = page.locator("[data-testid=timeline]", { hasText: `a redrive of ${failed}` });
    expect(await redriven.getAttribute("data-outcome")).toBe("succeeded");
    expect(await redriven.locator("[data-testid=attempt]").count()).toBe(1);
    await entry.scrollIntoViewIfNeeded();
    await lab.shot("redrive");
    expect(lab.pageErrors).toEqual([]);
  });
});
