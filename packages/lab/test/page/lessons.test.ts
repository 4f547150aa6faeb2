import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lab } from "../../src/lab.js";
import { type PageLab, startPageLab } from "../support/page-lab.js";

/**
 * The lessons end to end: the real lab on free ports with a temporary data folder, the page in headless
 * Chromium at 1280 px. Each lesson's trigger is pressed on the page and what it shows is checked; a
 * screenshot per lesson goes to packages/lab/test-results/<lesson>.png (CI keeps them as artifacts).
 * Also the newcomer fixes that need the whole lab: sample events, throttles across a reload, the
 * quarantine refusal, the upload list's height.
 */

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(here, "..", "..", "test-results");
const EVENTS = join(here, "..", "..", "events");

let env: PageLab;
let lab: Lab;
let page: Page;
let pageErrors: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(RESULTS, `${name}.png`) });
const lesson = (id: string) => page.locator(`[data-testid=lesson-${id}]`);
const sample = (name: string) => JSON.parse(readFileSync(join(EVENTS, `${name}.json`), "utf8")) as unknown;

/** Opens a lesson's block, presses its trigger and waits for its answer. */
const trigger = async (lessonId: string, triggerId: string, timeout = 60_000) => {
  await lesson(lessonId).locator("summary").click();
  await page.locator(`[data-testid=trigger-${triggerId}]`).click();
  const result = page.locator(`[data-testid=result-${triggerId}]`);
  await expect.poll(async () => (await result.textContent()) ?? "", { timeout }).not.toMatch(/^(|Running…)$/);
  await result.scrollIntoViewIfNeeded();
  return (await result.textContent()) ?? "";
};

const invoke = async (functionId: string, payload: unknown) => {
  const response = await fetch(`${lab.urls.lambdaApi}/2015-03-31/functions/${functionId}/invocations`, {
    method: "POST",
    body: JSON.stringify(payload),
  });
  return { status: response.status, body: JSON.parse(await response.text()) as Record<string, unknown> };
};

beforeAll(async () => {
  env = await startPageLab({ alarmPeriodMs: 2_000, slowQueryBatchMs: 200 }, { width: 1280, height: 800 });
  ({ lab, page, pageErrors } = env);
}, 240_000);

afterAll(async () => {
  await env?.stop();
}, 60_000);

describe("lessons on the page", () => {
  it("shows each lesson on its panel, with what to try, what to look for and its source", async () => {
    await expect.poll(() => page.locator(".lesson").count(), { timeout: 15_000 }).toBe(15);
    expect(await page.locator("#invocations .lesson[data-lesson=cold-starts]").count()).toBe(1);
    expect(await page.locator("#upload .lesson[data-lesson=presigned-uploads]").count()).toBe(1);
    expect(await page.locator("#alerts .lesson[data-lesson=slow-queries]").count()).toBe(1);
    await lesson("s3-events").locator("summary").click();
    const text = (await lesson("s3-events").textContent()) ?? "";
    expect(text).toMatch(/Try:.*Upload an image/);
    expect(text).toMatch(/Look for:/);

    const href = (await lesson("s3-events").locator("a", { hasText: "README" }).getAttribute("href")) ?? "";
    const readme = await page.evaluate((h) => fetch(h).then((r) => r.text()), href);
    expect(readme).toBe(
      readFileSync(join(here, "..", "..", "..", "functions", "transform", "README.md"), "utf8"),
    );
    await lesson("s3-events").scrollIntoViewIfNeeded();
    await shot("s3-events");
  });

  it("refuses, over HTTP, any source path outside the functions' src and READMEs", async () => {
    for (const path of [
      "../../.lab/secrets.json",
      "packages/functions/upload/src/../../../../package.json",
      "packages/lab/src/lab.ts",
    ]) {
      const status = await page.evaluate(
        (p) => fetch(`/api/source?path=${encodeURIComponent(p)}`).then((r) => r.status),
        path,
      );
      expect(status, path).toBe(403);
    }
  });

  it("cold-starts: forces a cold start and splits init from handler time", async () => {
    await invoke("upload", sample("upload-create"));

    const text = await trigger("cold-starts", "cold-start");

    expect(text).toMatch(/cold\s+init\s+[\d.]+\s*ms/);
    expect(text).toMatch(/handler\s+[\d.]+\s*ms/);
    expect(text).toContain("Init Duration:");
    await shot("cold-starts");
  });

  it("presigned-uploads: a synchronous invoke over 6 MB gets Lambda's 413", async () => {
    const text = await trigger("presigned-uploads", "payload-limit");

    expect(text).toContain("HTTP 413 RequestEntityTooLargeException");
    expect(text).toContain("Request must be smaller than 6291456 bytes for the InvokeFunction operation");
    expect(text).toMatch(/presigned S3 POST form/);
    await shot("presigned-uploads");
  });

  it("handler-at-root: the verifier refuses a zip whose handler sits in a folder", async () => {
    const text = await trigger("handler-at-root", "handler-at-root");

    expect(text).toMatch(/refused\s+upload\/index\.mjs: \[handler-not-at-root\]/);
    expect(text).toMatch(/502/);
    expect(text).toMatch(/verified\s+index\.mjs at the root/);
    await shot("handler-at-root");
  });

  it("slow-queries: a real pg_sleep over the threshold reaches Slack", async () => {
    const text = await trigger("slow-queries", "slow-query");
    expect(text).toMatch(/SELECT pg_sleep\(/);

    const card = page.locator("[data-testid=slack-message]", { hasText: "pg_sleep" }).first();
    await expect.poll(() => card.count(), { timeout: 30_000 }).toBe(1);
    // Its :snail: is an emoji where a colour-emoji font exists, else its text label — never an empty box.
    const emoji = await card
      .locator(".emoji")
      .first()
      .evaluate((el) => ({
        mode: document.documentElement.dataset.emoji ?? "font",
        after: getComputedStyle(el, "::after").content,
        name: el.getAttribute("data-name"),
      }));
    expect(emoji.name).toBe("snail");
    if (emoji.mode === "text") expect(emoji.after).toBe('":snail:"');
    await card.scrollIntoViewIfNeeded();
    await shot("slow-queries");
  });
});

describe("invocation detail", () => {
  it("shows START, the log lines, END and REPORT, the request id, response, init and memory of a clicked row", async () => {
    const row = page.locator("[data-testid=invocation-row]", { hasText: "cold-start" }).first();
    const requestId = (await row.getAttribute("data-request-id")) ?? "";
    expect(requestId).not.toBe("");

    await row.click();

    const detail = page.locator("[data-testid=invocation-detail]");
    await expect
      .poll(() => detail.locator("[data-testid=invocation-log]").count(), { timeout: 10_000 })
      .toBe(1);
    const log = (await detail.locator("[data-testid=invocation-log]").textContent()) ?? "";
    expect(log).toMatch(new RegExp(`^(INIT_START .*\\n)?START RequestId: ${requestId} Version: \\$LATEST`));
    expect(log).toContain(`END RequestId: ${requestId}`);
    expect(log).toMatch(/REPORT RequestId: .*Init Duration:/);
    const text = (await detail.textContent()) ?? "";
    expect(text).toMatch(/Init duration\s*[\d.]+\s*ms/);
    expect(text).toMatch(/Memory used\s*\d+ of 256 MB/);
    expect(await detail.locator("[data-testid=invocation-response]").textContent()).toContain("statusCode");
    await detail.scrollIntoViewIfNeeded();
    await shot("invocation-detail");
  });

  it("opens an invocation from a #invocation=<requestId> link", async () => {
    const requestId =
      (await page.locator("[data-testid=invocation-row]").first().getAttribute("data-request-id")) ?? "";
    await page.locator("[data-testid=invocation-detail] [data-close]").click();

    await page.evaluate((id) => {
      window.location.hash = `invocation=${id}`;
    }, requestId);

    const log = page.locator("[data-testid=invocation-detail] [data-testid=invocation-log]").first();
    await expect
      .poll(async () => (await log.textContent()) ?? "", { timeout: 10_000 })
      .toContain(`START RequestId: ${requestId}`);
  });

  it("filters the list by function and by outcome", async () => {
    await page.locator("[data-testid=filter-function]").selectOption("transform");

    const visible = await page
      .locator("[data-testid=invocation-row]:visible")
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.function));
    expect(visible.length).toBeGreaterThan(0);
    expect(new Set(visible)).toEqual(new Set(["transform"]));

    await page.locator("[data-testid=filter-function]").selectOption("");
    await page.locator("[data-testid=filter-outcome]").selectOption("failed");
    const failed = await page
      .locator("[data-testid=invocation-row]:visible")
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.status));
    expect(failed.every((s) => s !== "success")).toBe(true);
    await page.locator("[data-testid=filter-outcome]").selectOption("");
  });
});

describe("what a newcomer hit", () => {
  it("sample events do what their docs say", async () => {
    const transform = await invoke("transform", sample("transform-s3-put"));
    const status = await invoke("upload", sample("upload-status"));
    const daily = await invoke("daily-stats", sample("daily-stats-date"));

    expect(transform.status).toBe(200);
    expect(JSON.stringify(transform.body)).not.toMatch(/source-missing|errorType/);
    expect(status.body.statusCode).toBe(200);
    expect(JSON.parse(String(status.body.body))).toMatchObject({ status: "ready" });
    expect(daily.body).toMatchObject({ day: "2026-11-26" });
    expect(Number(daily.body.uploads)).toBeGreaterThanOrEqual(1);
  });

  it("keeps the throttle count and 429 marks across a page reload", async () => {
    const burst = (await page.evaluate(() =>
      fetch("/api/functions/upload/burst", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ count: 20 }),
      }).then((r) => r.json()),
    )) as { throttled: number };
    expect(burst.throttled).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator("[data-testid=total-throttles]").textContent())
      .toBe(String(burst.throttled));

    await page.reload();

    await expect.poll(() => page.locator("#connection").getAttribute("data-state")).toBe("live");
    await expect
      .poll(() => page.locator("[data-testid=total-throttles]").textContent())
      .toBe(String(burst.throttled));
    expect(await page.locator("[data-testid=throttles-upload]").textContent()).toMatch(
      /\d+ throttles? \(429\)/,
    );
    expect(await page.locator(".chart-throttle").count()).toBeGreaterThan(0);
  });

  it("refuses to attach a quarantined upload to a post", async () => {
    const key = "uploads/2026/11/30/01M8PZZZZZJ0V5R7T9W1X3Y5Z7.jpg";
    await lab.s3.client.send(
      new PutObjectCommand({ Bucket: lab.stack.bucket, Key: key, Body: "not a jpeg" }),
    );
    // transform quarantines it from its S3 event; wait for the marker the web app checks.
    await expect
      .poll(async () => (await lab.uploads()).find((u) => u.key === key)?.status, { timeout: 30_000 })
      .toBe("quarantined");

    const response = await fetch(`${lab.urls.webApp}/posts/1/images`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key }),
    });

    expect(response.status).toBe(409);
    expect(await response.text()).toMatch(/is quarantined \(.+\): it cannot be attached/);
  });

  it("keeps the upload list from pushing Batch and Alerts down, and the Alerts panel scrolls", async () => {
    const styles = await page.evaluate(() => {
      const uploads = getComputedStyle(document.getElementById("uploads") as HTMLElement);
      const slack = getComputedStyle(document.getElementById("slack-messages") as HTMLElement);
      return { uploads: [uploads.maxHeight, uploads.overflowY], slack: slack.overflowY };
    });
    expect(styles.uploads[0]).not.toBe("none");
    expect(styles.uploads[1]).toBe("auto");
    expect(styles.slack).toBe("auto");
  });

  it("raised no page errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
