import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagramPaths, stackNames } from "../src/paths.js";

/**
 * The committed diagrams as a browser draws them: Debian's Chromium (CHROMIUM_PATH to override), headless.
 * The screenshots land in test/screenshots/ (gitignored) for a person to look at.
 */
const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(here, "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu"],
  });
});
afterAll(async () => browser?.close());

describe.each(stackNames())("docs/architecture-%s.svg in headless Chromium", (stack) => {
  it("renders at its own size with every function node drawn, and is saved as a screenshot", async () => {
    const svg = readFileSync(diagramPaths(stack).svg, "utf8");
    const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg) ?? [];
    const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
    const box = await page.locator("svg").boundingBox();
    expect(box).toMatchObject({ width: Number(width), height: Number(height) });
    const functions = page.locator('[data-kind="function"] rect');
    expect(await functions.count()).toBeGreaterThanOrEqual(5);
    for (const rect of await functions.all()) expect((await rect.boundingBox())?.width).toBeGreaterThan(50);
    await page.screenshot({ path: join(SHOTS, `architecture-${stack}.png`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
