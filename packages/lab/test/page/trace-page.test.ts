import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { createLocalS3Client } from "@lambda-lab/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PageLab, startPageLab } from "../support/page-lab.js";

/**
 * The event-path trace on the page, in headless Chromium against the real lab: an upload that matches the
 * S3 trigger (clicked: its notification, the invocation, cold or warm, the outcome) and objects that match
 * none (a variant transform wrote, clicked: the recursion guard; a key outside uploads/, typed). Screenshots:
 * trace-object.png, trace-nothing-happened.png.
 */

const FIXTURES = fileURLToPath(new URL("../fixtures/images", import.meta.url));
let lab: PageLab;

beforeAll(async () => {
  lab = await startPageLab({ demoData: false, build: "never" });
}, 120_000);
afterAll(async () => {
  await lab?.stop();
});

const summary = () => lab.page.locator("[data-testid=trace-summary]");

describe("the event-path trace on the page", () => {
  it("traces a clicked upload: the notification matched, transform ran, with the reason at each step", async () => {
    const { page } = lab;
    await page.setInputFiles("#upload-file", join(FIXTURES, "Landscape_1.jpg"));
    const card = page.locator('[data-testid=upload-card][aria-label="Upload Landscape_1.jpg"]');
    await expect.poll(() => card.getAttribute("data-phase"), { timeout: 60_000 }).toBe("ready");

    await card.locator("[data-testid=trace-object]").click();

    await expect
      .poll(() => summary().textContent(), { timeout: 15_000 })
      .toContain("transform succeeded on attempt 1");
    const steps = page.locator("[data-testid=trace-step]");
    expect(await steps.evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")))).toEqual([
      "s3",
      "filter",
      "queued",
      "start",
      "attempt",
    ]);
    expect(await page.locator("[data-testid=trace-step][data-kind=filter]").textContent()).toContain(
      "transform wants uploads/*: s3:ObjectCreated:Post on this key matches",
    );
    expect(await page.locator("[data-testid=trace-step][data-kind=start]").textContent()).toMatch(
      /cold start|warm/,
    );
    await page.locator("#trace").scrollIntoViewIfNeeded();
    await lab.shot("trace-object");
  });

  it("answers why nothing happened for a variant transform wrote: no trigger matched, the recursion guard", async () => {
    const { page } = lab;
    const variant = page.locator("[data-testid=trace-variant]").first();

    await variant.click();

    await expect
      .poll(() => summary().textContent(), { timeout: 15_000 })
      .toContain(
        "nothing was invoked: no trigger matched: transform wants uploads/*: the key does not start with uploads/",
      );
    expect(await page.locator("[data-testid=trace-step][data-kind=recursion-guard]").textContent()).toContain(
      "outputs never land under a trigger's prefix",
    );
    await page.locator("#trace").scrollIntoViewIfNeeded();
    await lab.shot("trace-nothing-happened");
  });

  it("traces a typed key written outside uploads/, and says so for a key the lab never saw", async () => {
    const { page } = lab;
    const endpoint = lab.lab.urls.s3.replace(/\/[^/]+$/, "");
    const bucket = lab.lab.urls.s3.split("/").pop()!;
    await createLocalS3Client(endpoint).send(
      new PutObjectCommand({ Bucket: bucket, Key: "notes/readme.txt", Body: "not an image" }),
    );
    const input = page.locator("#trace-query");

    await expect
      .poll(
        async () => {
          await input.fill("notes/readme.txt");
          await input.press("Enter");
          return summary().textContent();
        },
        { timeout: 15_000 },
      )
      .toContain("nothing was invoked: no trigger matched");
    await input.fill("uploads/never-written.jpg");
    await input.press("Enter");

    await expect.poll(() => summary().getAttribute("data-found")).toBe("false");
    expect(await summary().textContent()).toContain("were it written now, it would invoke transform");
  });

  it("opens an alarm's trace from #alarm=<name>, the link Slack cards carry in the lab", async () => {
    const { page } = lab;
    const name = `${lab.lab.runtime.state().find((f) => f.id === "upload")?.functionName}-errors`;

    await page.evaluate((hash) => {
      window.location.hash = hash;
    }, `alarm=${name}`);

    await expect
      .poll(() => summary().textContent(), { timeout: 15_000 })
      .toContain(`${name} has not changed state yet`);
    expect(lab.pageErrors).toEqual([]);
  });
});
