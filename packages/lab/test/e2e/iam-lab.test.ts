import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labAccessKeyId } from "../../src/config.js";
import type { IamSnapshot } from "../../src/iam/preflight.js";
import { type Lab, startLab } from "../../src/lab.js";
import { launchChromium } from "../support/page-lab.js";

// The whole lab with the IAM preflight on (the default): the functions' built artifacts, unchanged, make
// their real S3 calls through the proxy, and every one must be allowed by the policies the Pulumi program
// deploys for the dev stack. A function that starts calling something its role lacks fails here first.

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const RESULTS = here("../../test-results");
const ANY_PORT = { lab: 0, uploadApi: 0, webApp: 0, slack: 0, s3: 0, postgres: 0 };

let lab: Lab;
let dataDir: string;
const logLines: string[] = [];
const iam = () => lab.iam() as IamSnapshot & { proxy: string };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lab-iam-"));
  lab = await startLab({
    dataDir,
    ports: ANY_PORT,
    schedules: false,
    demoData: false,
    build: "never",
    log: (line) => logLines.push(line),
  });
  // The program's documents are computed in the background after start (a few seconds).
  const until = Date.now() + 60_000;
  while (iam().status === "loading" && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
});

afterAll(async () => {
  await lab?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const upload = async (bytes: Buffer, contentType: string) => {
  const response = await fetch(`${lab.urls.uploadApi}/uploads`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: lab.urls.lambdaApi },
    body: JSON.stringify({ contentType, size: bytes.length, filename: "photo.jpg" }),
  });
  expect(response.status).toBe(201);
  const form = (await response.json()) as {
    id: string;
    key: string;
    url: string;
    fields: Record<string, string>;
  };
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append("file", new Blob([new Uint8Array(bytes)], { type: contentType }), "photo.jpg");
  const posted = await fetch(form.url, { method: "POST", body });
  expect(posted.status).toBeLessThan(300);
  return form;
};

const transformDone = (key: string) =>
  expect
    .poll(
      () =>
        lab
          .invocations({ functionId: "transform" })
          .some((r) => r.status === "success" && r.body.includes(key.split("/").pop() ?? key)),
      { timeout: 30_000, interval: 200 },
    )
    .toBe(true);

describe("the IAM preflight over the real artifacts", () => {
  it("routes the functions' S3 through the proxy: the presigned form points at it", async () => {
    const image = await readFile(here("../fixtures/images/landscape.jpg"));
    const form = await upload(image, "image/jpeg");
    expect(form.url).toBe(`${iam().proxy}/${lab.stack.bucket}`);
    await transformDone(form.key);
  });

  it("allows every call of an upload, its variants, a quarantine and both batch jobs, tied to its invocation", async () => {
    // Act: a real image, a file that is not one (quarantined), then the batch functions' real work.
    const image = await readFile(here("../fixtures/images/landscape.jpg"));
    const good = await upload(image, "image/jpeg");
    const bad = await upload(Buffer.from("not a jpeg at all"), "image/jpeg");
    await transformDone(good.key);
    await transformDone(bad.key);
    await expect
      .poll(
        async () => (await fetch(`${lab.urls.uploadApi}/uploads/${bad.id}`).then((r) => r.json())).status,
        {
          timeout: 20_000,
        },
      )
      .toBe("quarantined");
    await lab.runNow("orphan-cleanup", { dryRun: true });
    await lab.runNow("daily-stats", {});
    // Assess: evaluated, allowed, nothing denied or unmapped.
    await expect.poll(() => iam().evaluated, { timeout: 20_000 }).toBeGreaterThan(10);
    const snapshot = iam();
    const ops = Object.entries(snapshot.calls).flatMap(([fn, actions]) =>
      Object.entries(actions).map(([action, n]) => `${fn} ${action} ×${n.allowed}`),
    );
    console.log(
      `IAM preflight dev: evaluated ${snapshot.evaluated}, allowed ${snapshot.allowed}, denied ${snapshot.denied}; ${ops.join(", ")}`,
    );
    expect(snapshot.denials).toEqual([]);
    expect(snapshot.unmapped).toEqual([]);
    expect(snapshot.allowed).toBe(snapshot.evaluated);
    expect(logLines.filter((l) => l.startsWith("local AccessDenied"))).toEqual([]);
    expect(Object.keys(snapshot.calls).sort()).toEqual([
      "daily-stats",
      "orphan-cleanup",
      "transform",
      "upload",
    ]);
    // The form POSTs (one per upload in this file), evaluated as PutObject by upload, which signed them.
    expect(snapshot.calls.upload?.["s3:PutObject"]?.allowed).toBe(3);
    expect(snapshot.calls.transform?.["s3:PutObject"]?.allowed).toBeGreaterThan(1); // variants, manifest, marker
    // A transform call carries the request id of the transform invocation running it.
    const transformIds = new Set(lab.invocations({ functionId: "transform" }).map((r) => r.requestId));
    const transformCalls = snapshot.recent.filter((c) => c.functionId === "transform");
    expect(transformCalls.length).toBeGreaterThan(0);
    for (const call of transformCalls) expect(call.requestIds.some((id) => transformIds.has(id))).toBe(true);
  });

  it("is in the lab's state for the page", async () => {
    const state = (await fetch(`${lab.urls.api}/state`).then((r) => r.json())) as { iam: IamSnapshot };
    expect(state.iam).toMatchObject({ mode: "warn", stack: "dev", status: "ready", denials: [] });
    expect(state.iam.notCovered.length).toBeGreaterThan(0);
  });
});

describe("a denial on the page", () => {
  it("shows a call daily-stats' role lacks as a local AccessDenied with the missing statement", async () => {
    // Prepare: the page, and a variant image (daily-stats reads manifests, never images).
    await mkdir(RESULTS, { recursive: true });
    await lab.s3.client.send(
      new PutObjectCommand({ Bucket: lab.stack.bucket, Key: "variants/page1/thumb.webp", Body: "v" }),
    );
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(lab.urls.page);
      const summary = async () =>
        (await page.locator("[data-testid=iam-summary]").textContent())?.replace(/\s+/g, " ");
      await expect
        .poll(summary, { timeout: 15_000 })
        .toMatch(/S3 calls checked against stack dev's IAM policies · 0 would be denied/);
      // Act: the call signed as daily-stats, as its artifact signs in the lab.
      const dailyStats = new S3Client({
        endpoint: iam().proxy,
        region: lab.stack.region,
        forcePathStyle: true,
        credentials: { accessKeyId: labAccessKeyId("daily-stats"), secretAccessKey: "S3RVER" },
      });
      await dailyStats.send(
        new GetObjectCommand({ Bucket: lab.stack.bucket, Key: "variants/page1/thumb.webp" }),
      );
      dailyStats.destroy();
      // Assess: live, through the `iam` event, and in the terminal.
      const denial = page.locator("[data-testid=iam-denial][data-function=daily-stats]");
      await expect.poll(() => denial.count(), { timeout: 15_000 }).toBe(1);
      const text = (await denial.textContent())?.replace(/\s+/g, " ") ?? "";
      expect(text).toContain(
        `daily-stats would be denied s3:GetObject on arn:aws:s3:::${lab.stack.bucket}/variants/page1/thumb.webp in dev`,
      );
      expect(text).toContain(`"Resource": "arn:aws:s3:::${lab.stack.bucket}/variants/*"`);
      expect(
        logLines.some((l) => l.startsWith("local AccessDenied: daily-stats would be denied s3:GetObject")),
      ).toBe(true);
      await page.locator("#iam").scrollIntoViewIfNeeded();
      await page.locator("#iam").screenshot({ path: join(RESULTS, "iam-preflight-denial.png") });
      // After a reload the denial comes from the lab's state, not from the event.
      await page.reload();
      await expect.poll(() => denial.count(), { timeout: 15_000 }).toBe(1);
    } finally {
      await browser.close();
    }
  });
});
