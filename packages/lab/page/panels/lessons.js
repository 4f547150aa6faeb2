// @ts-check
import { announce, fromHtml } from "../lib/dom.js";
import { formatMs } from "../lib/format.js";
import { html } from "../lib/html.js";
import { renderInitSplit } from "../lib/init-split.js";
import {
  CHECKPOINT_TRIGGER,
  checkpointControls,
  renderCheckpointRun,
  runCheckpointDemo,
  wireCheckpointControls,
} from "./checkpoint-demo.js";
import { NETWORK_TRIGGER, networkControls, renderNetwork, runNetwork } from "./network.js";

/**
 * Lessons on the page: each catalog lesson (GET /api/lessons) as a short, closed-by-default block at the
 * top of the panel where it shows — what it teaches, what to try, what to look for, its trigger button
 * when it has one, and links to the function's source and README, served read-only by the lab.
 *
 * @typedef {{ functionId: string; readme?: string; files: string[] }} LessonSources
 * @typedef {{
 *   id: string; title: string; explanation: string; functions: readonly string[]; panel: string;
 *   tryThis: string; lookFor: string; trigger?: string; sources: LessonSources[]
 * }} Lesson
 */

/** The upload API's synchronous Invoke payload cap, and a little more: the payload-limit lesson's body. */
const OVER_SIX_MB = 7 * 1024 * 1024;

/** What each trigger button says. */
const TRIGGER_LABEL = /** @type {Record<string, string>} */ ({
  "cold-start": "Force a cold start of upload",
  "payload-limit": "Send 7 MB through a function",
  "handler-at-root": "Verify a zip with its handler in a folder",
  "slow-query": "Run a slow query",
  [NETWORK_TRIGGER]: "Draw this stack's network",
  [CHECKPOINT_TRIGGER]: "Run with a T s timeout",
});

/** Inputs a trigger reads, shown before its button (panels/network.js, panels/checkpoint-demo.js). */
const TRIGGER_CONTROLS = /** @type {Record<string, () => import("../lib/html.js").SafeHtml>} */ ({
  [NETWORK_TRIGGER]: networkControls,
  [CHECKPOINT_TRIGGER]: checkpointControls,
});

/** `/api/source?path=…`, the lab's read-only view of a file. @param {string} path */
export const sourceUrl = (path) => `/api/source?path=${encodeURIComponent(path)}`;

/** @param {string} path */
const fileName = (path) => path.slice(path.lastIndexOf("/") + 1);

/** @param {Lesson} lesson */
export const renderLesson = (
  lesson,
) => html`<details class="lesson" data-testid="lesson-${lesson.id}" data-lesson="${lesson.id}">
    <summary><span class="lesson-tag">Lesson</span> ${lesson.title}</summary>
    <p>${lesson.explanation}</p>
    <p><strong>Try:</strong> ${lesson.tryThis}</p>
    <p><strong>Look for:</strong> ${lesson.lookFor}</p>
    ${
      lesson.trigger &&
      html`<p class="lesson-trigger">${TRIGGER_CONTROLS[lesson.trigger]?.()}<button type="button" class="secondary" data-trigger="${lesson.trigger}" data-testid="trigger-${lesson.trigger}">${TRIGGER_LABEL[lesson.trigger] ?? lesson.trigger}</button></p>
      <div class="lesson-result" data-testid="result-${lesson.trigger}" aria-live="polite"></div>`
    }
    ${
      lesson.sources.length > 0 &&
      html`<ul class="lesson-sources" aria-label="Source of ${lesson.title}">${lesson.sources.map(
        (
          s,
        ) => html`<li><strong>${s.functionId}</strong>: ${s.readme && html`<a href="${sourceUrl(s.readme)}" target="_blank" rel="noopener">README</a>`}
          ${s.files.slice(0, 8).map((f) => html` <a href="${sourceUrl(f)}" target="_blank" rel="noopener"><code>${fileName(f)}</code></a>`)}${s.files.length > 8 && html` <span class="hint">+${s.files.length - 8} more</span>`}</li>`,
      )}</ul>`
    }
  </details>`;

/**
 * What a trigger's answer shows.
 * @param {string} trigger @param {any} result
 */
export const renderTriggerResult = (trigger, result) => {
  if (trigger === "cold-start")
    return html`<p data-testid="cold-start-split"><span class="badge" data-kind="${result.cold ? "cold" : "warm"}">${result.cold ? "cold" : "warm"}</span>
      init <strong>${result.initDurationMs === null ? "–" : formatMs(result.initDurationMs)}</strong>
      · handler <strong>${formatMs(result.handlerDurationMs)}</strong> · <code>${result.requestId}</code></p>
      ${renderInitSplit(result.initSplit, result.initDurationMs)}
      <pre class="lesson-report">${result.report}</pre>`;
  if (trigger === "payload-limit")
    return html`<p><strong>HTTP ${result.status} ${result.errorType}</strong>: ${result.message}</p>
      <p class="hint">A synchronous invoke carries at most 6 MB (6,291,456 bytes) each way. The upload API
      never sees the image: it returns a presigned S3 POST form, and the browser sends the bytes straight to S3,
      up to the form's size limit.</p>`;
  if (trigger === "handler-at-root") {
    const problem = result.inAFolder.problems[0];
    return html`<p><span class="badge" data-kind="${result.inAFolder.ok ? "ready" : "quarantined"}">${result.inAFolder.ok ? "verified" : "refused"}</span>
      <code>${result.inAFolder.zip}</code>: ${problem ? `[${problem.code}] ${problem.message}` : "no problem found"}</p>
      <p><span class="badge" data-kind="${result.atTheRoot.ok ? "ready" : "quarantined"}">${result.atTheRoot.ok ? "verified" : "refused"}</span>
      <code>${result.atTheRoot.zip}</code> at the root: what every build ships.</p>`;
  }
  if (trigger === NETWORK_TRIGGER) return renderNetwork(result);
  if (trigger === CHECKPOINT_TRIGGER) return renderCheckpointRun(result);
  if (trigger === "slow-query")
    return html`<p>Ran <code>${result.statement}</code> in ${formatMs(result.tookMs)} (threshold ${formatMs(result.thresholdMs)}).
      PostgreSQL logged it; watch for its card in the Alerts panel.</p>`;
  return html`<pre>${JSON.stringify(result, null, 2)}</pre>`;
};

/** @param {Response} response */
const jsonOf = async (response) => {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? body.message ?? `HTTP ${response.status}`);
  return body;
};

/** Each trigger's request; the lesson block holds the trigger's inputs. @type {Record<string, (block: Element | null) => Promise<unknown>>} */
const TRIGGERS = {
  [NETWORK_TRIGGER]: runNetwork,
  [CHECKPOINT_TRIGGER]: runCheckpointDemo,
  "cold-start": () => fetch("/api/lessons/cold-start/upload", { method: "POST" }).then(jsonOf),
  "handler-at-root": () => fetch("/api/lessons/handler-at-root", { method: "POST" }).then(jsonOf),
  "slow-query": () => fetch("/api/lessons/slow-query", { method: "POST" }).then(jsonOf),
  // A real synchronous invoke through the Lambda Invoke API: valid JSON, just too large.
  "payload-limit": async () => {
    const body = JSON.stringify({ image: "A".repeat(OVER_SIX_MB) });
    const response = await fetch("/2015-03-31/functions/upload/invocations", { method: "POST", body });
    const answer = await response.json().catch(() => ({}));
    return {
      status: response.status,
      errorType: response.headers.get("x-amzn-errortype") ?? "",
      message: answer.message ?? answer.Message ?? "",
    };
  },
};

export const createLessons = () => {
  /** @param {Lesson[]} lessons */
  const place = (lessons) => {
    for (const lesson of lessons) {
      const panel = document.getElementById(lesson.panel);
      if (!panel) continue;
      let box = panel.querySelector(":scope > .lessons");
      if (!box) {
        box = fromHtml(html`<div class="lessons" aria-label="Lessons on this panel"></div>`);
        const anchor = panel.querySelector(":scope > p.hint") ?? panel.querySelector(":scope > h2");
        anchor?.after(box);
      }
      box.append(fromHtml(renderLesson(lesson)));
    }
    for (const block of document.querySelectorAll(
      `[data-lesson] [data-testid=trigger-${CHECKPOINT_TRIGGER}]`,
    ))
      wireCheckpointControls(/** @type {Element} */ (block.closest(".lesson")));
    for (const button of /** @type {HTMLButtonElement[]} */ ([
      ...document.querySelectorAll("[data-trigger]"),
    ])) {
      button.addEventListener("click", async () => {
        const trigger = button.dataset.trigger ?? "";
        const out = button.closest(".lesson")?.querySelector(".lesson-result");
        const run = TRIGGERS[trigger];
        if (!out || !run) return;
        button.disabled = true;
        out.textContent = "Running…";
        try {
          out.innerHTML = renderTriggerResult(trigger, await run(button.closest(".lesson"))).value;
          announce(`${TRIGGER_LABEL[trigger]}: done`);
        } catch (error) {
          out.innerHTML = html`<p class="error">${/** @type {Error} */ (error).message}</p>`.value;
        } finally {
          button.disabled = false;
        }
      });
    }
  };
  return {
    async load() {
      const response = await fetch("/api/lessons");
      if (!response.ok) return;
      place((await response.json()).lessons);
    },
  };
};
