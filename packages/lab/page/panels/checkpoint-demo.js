// @ts-check
import { formatMs } from "../lib/format.js";
import { html } from "../lib/html.js";

/**
 * The 15-minute-limit lesson, runnable (POST /api/lessons/checkpoint-demo/generate and …/run): generate a
 * bucket of N real orphans, then run orphan-cleanup over it as a dry run with a T-second timeout. Each
 * invocation is a row (paused or completed, originals scanned, where it resumes) with the checkpoint file
 * it left on the EFS stand-in, read back from `.lab/efs`.
 *
 * @typedef {{
 *   n: number; requestId: string; cold: boolean; invocationStatus: string; runStatus: string; paused: boolean;
 *   durationMs: number; scanned: number; scannedNow: number; wouldDelete: number; resumeAfter?: string;
 *   error?: string; checkpoint: { path: string; content: string | null }
 * }} DemoInvocation
 * @typedef {{ bucket: string; timeoutSeconds: number; safetyMarginMs: number; invocations: DemoInvocation[];
 *   report?: Record<string, unknown>; remainingOriginals: number }} DemoRun
 * @typedef {{ bucket: string; objects: number; originals: number; derived: number; oldOrphans: number;
 *   youngOrphans: number; gracePeriodHours: number; generatedInMs: number }} Generated
 */

export const CHECKPOINT_TRIGGER = "checkpoint-demo";

/** @param {Response} response */
const jsonOf = async (response) => {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
};

/** @param {string} path @param {unknown} body */
const post = (path, body) =>
  fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then(jsonOf);

/** The generator and the timeout, beside the run button; "Generate" answers in its own line. */
export const checkpointControls = () => html`<label class="lesson-control">objects
    <input type="number" min="1" max="20000" step="1" value="8000" data-testid="checkpoint-objects"></label>
    <button type="button" class="secondary" data-testid="checkpoint-generate">Generate N objects</button>
    <label class="lesson-control">timeout (s)
    <input type="number" min="2" max="900" step="1" value="2" data-testid="checkpoint-timeout"></label>
    <span class="lesson-generated hint" data-testid="checkpoint-generated" aria-live="polite"></span>`;

/** @param {Element | null} block @param {string} testId */
const numberIn = (block, testId) =>
  Number(
    /** @type {HTMLInputElement | null} */ (block?.querySelector(`[data-testid=${testId}]`) ?? null)?.value,
  );

/** @param {Generated} g */
export const renderGenerated = (g) =>
  `${g.originals} originals (${g.oldOrphans} older than the ${g.gracePeriodHours} h grace period, ${g.youngOrphans} younger) + ${g.derived} derived objects in ${g.bucket}, written in ${formatMs(g.generatedInMs)}`;

/** Wires the Generate button of a lesson block. @param {Element} block */
export const wireCheckpointControls = (block) => {
  const button = /** @type {HTMLButtonElement | null} */ (
    block.querySelector("[data-testid=checkpoint-generate]")
  );
  const out = block.querySelector("[data-testid=checkpoint-generated]");
  if (!button || !out) return;
  button.addEventListener("click", async () => {
    button.disabled = true;
    out.textContent = "Generating…";
    try {
      out.textContent = renderGenerated(
        /** @type {Generated} */ (
          await post("/api/lessons/checkpoint-demo/generate", {
            objects: numberIn(block, "checkpoint-objects"),
          })
        ),
      );
    } catch (error) {
      out.textContent = /** @type {Error} */ (error).message;
    } finally {
      button.disabled = false;
    }
  });
};

/** @param {Element | null} block */
export const runCheckpointDemo = async (block) =>
  /** @type {DemoRun} */ (
    await post("/api/lessons/checkpoint-demo/run", { timeoutSeconds: numberIn(block, "checkpoint-timeout") })
  );

/** The checkpoint's JSON, pretty-printed when it parses. @param {string | null} content */
const pretty = (content) => {
  if (content === null) return "(no checkpoint file)";
  try {
    return JSON.stringify(JSON.parse(content), null, 2);
  } catch {
    return content;
  }
};

/** @param {DemoInvocation} i */
const outcome = (i) =>
  i.paused
    ? html`<span class="badge" data-kind="pending">paused</span>`
    : i.invocationStatus === "success"
      ? html`<span class="badge" data-kind="ready">${i.runStatus}</span>`
      : html`<span class="badge" data-kind="quarantined">${i.invocationStatus}</span>`;

/** @param {DemoRun} run */
export const renderCheckpointRun = (run) => {
  const last = run.invocations.at(-1);
  return html`<p>${run.invocations.length} invocation${run.invocations.length === 1 ? "" : "s"} of ${run.timeoutSeconds} s each
      (the function stops taking keys ${formatMs(run.safetyMarginMs)} before its deadline), a dry run over <code>${run.bucket}</code>:
      ${last?.paused ? "still paused" : html`<strong>${last?.runStatus}</strong>`},
      ${last?.scanned ?? 0} originals scanned, ${last?.wouldDelete ?? 0} would be deleted, ${run.remainingOriginals} still in the bucket.</p>
    <table class="checkpoint-invocations" data-testid="checkpoint-invocations">
      <thead><tr><th>#</th><th>outcome</th><th>scanned (this one)</th><th>resumes after</th><th>duration</th></tr></thead>
      <tbody>${run.invocations.map(
        (
          i,
        ) => html`<tr data-invocation="${i.n}" data-paused="${String(i.paused)}"><td>${i.n}${i.cold ? " (cold)" : ""}</td><td>${outcome(i)}${i.error ? ` ${i.error}` : ""}</td>
          <td>${i.scanned} (+${i.scannedNow})</td><td>${i.resumeAfter ? html`<code>${i.resumeAfter}</code>` : "–"}</td><td>${formatMs(i.durationMs)}</td></tr>`,
      )}</tbody>
    </table>
    ${run.invocations.map(
      (
        i,
      ) => html`<details class="checkpoint-file" data-testid="checkpoint-file-${i.n}"${i.n === 1 ? " open" : ""}>
        <summary>checkpoint after invocation ${i.n}: <code>${i.checkpoint.path}</code></summary>
        <pre>${pretty(i.checkpoint.content)}</pre></details>`,
    )}`;
};
