// @ts-check
import { announce, byId } from "../lib/dom.js";
import { formatMs } from "../lib/format.js";
import { html } from "../lib/html.js";

/**
 * The async-retries lesson's panel (GET /api/retries, src/server/retries-route.ts): the retry clock (real
 * Lambda waits or fast-forward, always labelled), the triggers that fail the lab's own `retry-demo`
 * function with an error or a timeout, each async event's timeline (attempts, waits, destination record,
 * Slack alert), and the on-failure queue with its redrive buttons.
 *
 * @typedef {{ lambdaDelayMs: number; wallDelayMs: number; scheduledAt: number; dueAt: number; firedAt?: number; skipped?: boolean; mode?: string; speed?: number }} RetryWait
 * @typedef {{ attempt: number; status: string; wait?: RetryWait; startedAt?: number; endedAt?: number; durationMs?: number; cold?: boolean; errorType?: string; errorMessage?: string }} AttemptView
 * @typedef {{
 *   requestId: string; functionId: string; source: string; maxRetryAttempts: number; attempts: AttemptView[];
 *   outcome: "in-progress" | "succeeded" | "on-failure";
 *   destination?: { at: number; condition: string; approximateInvokeCount: number; record: unknown };
 *   alert?: { at: number; messageId: number }; redriveOf?: string; redrivenAs: string[]
 * }} RetryTimeline
 * @typedef {{ requestId: string; redrivenAs: string; functionId: string; at: number; outcome: "pending" | "succeeded" | "failed" }} Redrive
 * @typedef {{ record: { timestamp: string; requestContext: { requestId: string; functionArn: string; condition: string; approximateInvokeCount: number }; requestPayload: unknown; responsePayload: any }; redrives: Redrive[] }} QueueEntry
 * @typedef {{ mode: "real" | "fast-forward"; speed: number; label: string; pending: unknown[] }} ClockState
 * @typedef {{ clock: ClockState; demo: { functionId: string; fault: string }; timelines: RetryTimeline[]; onFailure: QueueEntry[] }} RetriesView
 */

/** `10:00:01.234`: attempts a few milliseconds apart must still read apart. @param {number | undefined} t */
export const formatStamp = (t) => {
  if (t === undefined) return "–";
  const d = new Date(t);
  return `${d.toLocaleTimeString("en-GB", { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
};

/** Lambda's wait in its own unit. @param {number} ms */
const lambdaWait = (ms) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : formatMs(ms));

/** What a wait before a retry was, in words that never pass a fast-forwarded wait off as Lambda's. @param {RetryWait} wait */
export const describeWait = (wait) => {
  const lambda = `Lambda waits ${lambdaWait(wait.lambdaDelayMs)}`;
  if (wait.firedAt === undefined) return `${lambda}: due at ${formatStamp(wait.dueAt)}`;
  const took = formatMs(wait.firedAt - wait.scheduledAt);
  if (wait.skipped) return `${lambda}: skipped after ${took} (“skip the wait now”)`;
  if (wait.mode === "fast-forward") return `${lambda}: ${took} here, fast-forward ×${wait.speed}`;
  return `${lambda}: waited ${took}, real time`;
};

/** @param {AttemptView} a @param {number} of */
const renderAttempt = (a, of) => html`${
  a.wait &&
  html`<li class="retry-wait" data-testid="wait" data-attempt="${a.attempt}" data-skipped="${a.wait.skipped ? "true" : "false"}">${describeWait(a.wait)}</li>`
}<li class="retry-attempt" data-testid="attempt" data-attempt="${a.attempt}" data-status="${a.status}">
    <span class="badge" data-kind="${a.status === "waiting" ? "pending" : a.status}">${a.status}</span>
    <strong>Attempt ${a.attempt} of ${of}</strong>
    ${a.startedAt !== undefined && html` · ${formatStamp(a.startedAt)}${a.endedAt !== undefined && html` → ${formatStamp(a.endedAt)} (${formatMs(a.durationMs)})`}`}
    ${a.cold && html` · cold start`}
    ${a.errorMessage && html`<br><code>${a.errorType ?? "Error"}: ${a.errorMessage}</code>`}
  </li>`;

/** One async event's path. @param {RetryTimeline} t */
export const renderTimeline = (t) => {
  const of = 1 + t.maxRetryAttempts;
  const d = t.destination;
  return html`<li class="retry-timeline" data-testid="timeline" data-request-id="${t.requestId}" data-outcome="${t.outcome}">
    <p class="retry-head"><strong>${t.functionId}</strong> <code>${t.requestId}</code> · from ${t.source}
      · MaximumRetryAttempts ${t.maxRetryAttempts}
      <span class="badge" data-kind="${t.outcome === "succeeded" ? "success" : t.outcome === "on-failure" ? "failed" : "running"}">${t.outcome}</span>
      ${t.redriveOf && html`<br>a redrive of <code>${t.redriveOf}</code>`}</p>
    <ol class="retry-steps">
      ${t.attempts.map((a) => renderAttempt(a, of))}
      ${
        d &&
        html`<li class="retry-destination" data-testid="destination">On-failure destination:
        <strong>${d.condition}</strong> after ${d.approximateInvokeCount} attempts (approximateInvokeCount) · ${formatStamp(d.at)}
        <details><summary>the record Lambda sends</summary><pre>${JSON.stringify(d.record, null, 2)}</pre></details></li>`
      }
      ${t.alert && html`<li class="retry-alert" data-testid="alert">Alert posted to Slack by alerts · ${formatStamp(t.alert.at)}</li>`}
      ${t.redrivenAs.length > 0 && html`<li>Redriven as ${t.redrivenAs.map((id) => html`<code>${id}</code> `)}</li>`}
    </ol>
  </li>`;
};

/** A record in the on-failure queue with its redrives. @param {QueueEntry} e */
export const renderQueueEntry = (e) => {
  const { requestContext, responsePayload } = e.record;
  const name = requestContext.functionArn.split(":function:")[1]?.replace(/:\$LATEST$/, "") ?? "";
  const last = e.redrives.at(-1);
  return html`<li class="on-failure-entry" data-testid="on-failure-entry" data-request-id="${requestContext.requestId}">
    <strong>${name}</strong> <code>${requestContext.requestId}</code> · ${requestContext.condition}
    · ${responsePayload?.errorType ?? "Error"}: ${responsePayload?.errorMessage ?? ""}
    <button type="button" class="secondary" data-redrive="${requestContext.requestId}" data-testid="redrive-${requestContext.requestId}" ${last?.outcome === "pending" ? "disabled" : ""}>Redrive</button>
    ${e.redrives.map(
      (r) =>
        html`<br><span class="badge" data-kind="${r.outcome === "succeeded" ? "success" : r.outcome === "failed" ? "failed" : "running"}" data-testid="redrive-outcome">redriven: ${r.outcome}</span> as <code>${r.redrivenAs}</code> at ${formatStamp(r.at)}`,
    )}
  </li>`;
};

/**
 * The timelines the panel lists: every async event that failed an attempt, and the lesson's own events and
 * redrives; not each successful alerts or transform run, which the Invocations panel already lists.
 * @param {RetryTimeline} t
 */
export const worthShowing = (t) =>
  t.source === "lesson" ||
  t.redriveOf !== undefined ||
  t.attempts.some((a) => a.status !== "success" && a.status !== "running" && a.status !== "waiting");

const FAULT_TEXT = /** @type {Record<string, string>} */ ({
  none: "fixed: it succeeds",
  error: "broken: it throws an error",
  timeout: "broken: it hangs past its 3 s timeout",
});

/** @param {Response} response */
const jsonOf = async (response) => {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
};
/** @param {string} path @param {unknown} [body] */
const post = (path, body = {}) =>
  fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then(jsonOf);

export const createRetriesPanel = () => {
  const root = byId("retries-body");
  root.innerHTML = html`<div class="retry-controls">
      <fieldset class="retry-clock">
        <legend>Retry clock</legend>
        <label><input type="radio" name="retry-clock" value="real" data-testid="retry-clock-real"> Real: Lambda's 1 min, then 2 min</label>
        <label><input type="radio" name="retry-clock" value="fast-forward" data-testid="retry-clock-fast"> Fast-forward ×60</label>
        <button type="button" class="secondary" data-testid="retry-skip">Skip the waits now</button>
      </fieldset>
      <p class="retry-clock-label" data-testid="retry-clock-label" aria-live="polite"></p>
      <p><strong>retry-demo</strong>, the lab's own failing function (not deployed; a real function's error
        path would need breaking its code): <span data-testid="retry-fault"></span>
        <button type="button" class="secondary" data-testid="retry-fix">Fix it</button></p>
      <p class="lesson-trigger">
        <button type="button" data-testid="trigger-retry-error" data-fault="error">Invoke with an error (async)</button>
        <button type="button" data-testid="trigger-retry-timeout" data-fault="timeout">Invoke into a timeout (async)</button>
      </p>
      <div class="lesson-result" data-testid="result-retry-error" aria-live="polite"></div>
      <div class="lesson-result" data-testid="result-retry-timeout" aria-live="polite"></div>
    </div>
    <h3>Timelines <span class="hint">newest first</span></h3>
    <ol class="retry-timelines" data-testid="retry-timelines"></ol>
    <h3>On-failure queue</h3>
    <ul class="on-failure-queue" data-testid="on-failure-queue"></ul>
    <p class="retry-error error" role="alert" hidden></p>`.value;
  const q = (/** @type {string} */ selector) => /** @type {HTMLElement} */ (root.querySelector(selector));
  const error = q(".retry-error");
  /** @param {unknown} e */
  const fail = (e) => {
    error.hidden = false;
    error.textContent = /** @type {Error} */ (e).message;
  };

  /** @param {RetriesView} view */
  const render = (view) => {
    q("[data-testid=retry-clock-label]").textContent = `Retry clock: ${view.clock.label}`;
    for (const input of /** @type {HTMLInputElement[]} */ ([
      ...root.querySelectorAll("input[name=retry-clock]"),
    ]))
      input.checked = input.value === view.clock.mode;
    q("[data-testid=retry-fault]").textContent = FAULT_TEXT[view.demo.fault] ?? view.demo.fault;
    const shown = view.timelines.filter(worthShowing);
    q("[data-testid=retry-timelines]").innerHTML = shown.length
      ? html`${shown.map(renderTimeline)}`.value
      : html`<li class="empty">No async event yet: press a trigger above.</li>`.value;
    q("[data-testid=on-failure-queue]").innerHTML = view.onFailure.length
      ? html`${[...view.onFailure].reverse().map(renderQueueEntry)}`.value
      : html`<li class="empty">Empty: nothing has failed its last retry.</li>`.value;
  };

  let timer = 0;
  const refresh = () => {
    clearTimeout(timer);
    timer = window.setTimeout(async () => {
      try {
        render(await fetch("/api/retries").then(jsonOf));
      } catch (e) {
        fail(e);
      }
    }, 100);
  };
  /** @param {() => Promise<unknown>} action */
  const run = async (action) => {
    error.hidden = true;
    try {
      await action();
    } catch (e) {
      fail(e);
    }
    refresh();
  };

  for (const input of /** @type {HTMLInputElement[]} */ ([
    ...root.querySelectorAll("input[name=retry-clock]"),
  ]))
    input.addEventListener("change", () => run(() => post("/api/retries/clock", { mode: input.value })));
  q("[data-testid=retry-skip]").addEventListener("click", () =>
    run(async () => {
      const { skipped } = await post("/api/retries/skip");
      announce(`${skipped} retr${skipped === 1 ? "y" : "ies"} run now`);
    }),
  );
  q("[data-testid=retry-fix]").addEventListener("click", () =>
    run(() => post("/api/retries/fault", { fault: "none" })),
  );
  for (const button of /** @type {HTMLButtonElement[]} */ ([...root.querySelectorAll("[data-fault]")])) {
    const fault = button.dataset.fault ?? "";
    const out = q(`[data-testid=result-retry-${fault}]`);
    button.addEventListener("click", async () => {
      button.disabled = true;
      out.textContent = "Running…";
      try {
        const answer = await post("/api/retries/invoke", { fault });
        out.innerHTML = html`<p>202 Accepted: <code>${answer.requestId}</code>, sent asynchronously (Event) to
          <strong>${answer.functionId}</strong>, now ${FAULT_TEXT[fault]}. Its attempts appear below; ${answer.clock.label}.</p>`.value;
        announce(`Invoked ${answer.functionId} asynchronously`);
      } catch (e) {
        out.innerHTML = html`<p class="error">${/** @type {Error} */ (e).message}</p>`.value;
      } finally {
        button.disabled = false;
        refresh();
      }
    });
  }
  q("[data-testid=on-failure-queue]").addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("[data-redrive]");
    if (!(button instanceof HTMLButtonElement)) return;
    button.disabled = true;
    void run(() => post(`/api/on-failure/${encodeURIComponent(button.dataset.redrive ?? "")}/redrive`));
  });

  return { refresh };
};
