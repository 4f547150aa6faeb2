// @ts-check
import { announce, byId, setHtml } from "../lib/dom.js";
import { html } from "../lib/html.js";

/**
 * IAM preflight panel: every S3 call the functions made, checked against the IAM policies the Pulumi
 * program deploys for this stack (the lab's `iam` state and `iam` events, packages/lab/src/iam). A call the
 * deployed role would refuse is listed as a local AccessDenied with the statement it is missing.
 *
 * @typedef {{
 *   stack: string; functionId: string; operation: string; action: string; resource: string;
 *   decision: string; missing?: { Effect: string; Action: string; Resource: string; Condition?: unknown };
 *   grantIn?: string; deniedBy?: string; note?: string; via: string; requestIds: string[]; count: number; firstAt: number;
 *   lastAt: number; message: string;
 * }} IamDenial
 * @typedef {{
 *   mode: "warn" | "enforce" | "off"; stack?: string; status?: "loading" | "ready" | "unavailable"; error?: string;
 *   evaluated?: number; allowed?: number; denied?: number; unattributed?: number;
 *   unmapped?: { functionId: string; reason: string; count: number }[];
 *   calls?: Record<string, Record<string, { allowed: number; denied: number }>>;
 *   denials?: IamDenial[]; notCovered?: string[];
 * }} IamView
 */

/** One denial per function, action and first resource: events repeat a denial as its count grows. @param {IamDenial} d */
export const denialKey = (d) => `${d.functionId}|${d.action}|${d.resource}|${d.firstAt}`;

/** @param {IamView | undefined} view */
export const renderIamSummary = (view) => {
  if (!view || view.mode === "off")
    return html`<p class="hint" data-testid="iam-summary">The IAM preflight is off (<code>pnpm dev -- --iam off</code>): S3 calls are not checked.</p>`;
  if (view.status === "loading")
    return html`<p class="hint" data-testid="iam-summary">Reading stack ${view.stack}'s IAM policies from the Pulumi program…</p>`;
  if (view.status === "unavailable")
    return html`<p class="error" data-testid="iam-summary">The IAM preflight could not read the program's policies: ${view.error ?? "unknown error"}</p>`;
  const denied = view.denied ?? 0;
  const evaluated = view.evaluated ?? 0;
  return html`<p class="totals" data-testid="iam-summary"><strong>${evaluated}</strong> S3 ${evaluated === 1 ? "call" : "calls"} checked against
      stack ${view.stack}'s IAM policies · <strong>${denied}</strong> would be denied in AWS${view.mode === "enforce" ? " (and were refused here: --iam enforce)" : ""}</p>`;
};

/** @param {IamDenial} d */
export const renderDenial = (d) =>
  html`<li class="iam-denial" data-testid="iam-denial" data-function="${d.functionId}">
    <p><span class="badge" data-kind="error">local AccessDenied</span> <strong>${d.functionId}</strong> would be denied
      <code>${d.action}</code> on <code>${d.resource}</code> in ${d.stack}
      <span class="hint">(${d.operation}${d.via === "presigned-post" ? ", a form it signed" : ""}${d.count > 1 ? ` · ${d.count}×` : ""})</span></p>
    ${
      d.missing
        ? html`<p>Missing from its role${d.grantIn ? ` (grant it in ${d.grantIn})` : ""}:</p>
            <pre class="iam-statement"><code>${JSON.stringify(d.missing, null, 2)}</code></pre>`
        : d.deniedBy
          ? html`<p>Explicitly denied by ${d.deniedBy}.</p>`
          : ""
    }
    ${d.note && html`<p class="hint">${d.note}.</p>`}
    ${d.requestIds.length > 0 && html`<p class="hint">During ${d.requestIds.length === 1 ? "invocation" : "invocations"} ${d.requestIds.join(", ")}</p>`}
  </li>`;

/** @param {IamDenial[]} denials */
export const renderDenials = (denials) =>
  denials.length === 0
    ? html`<p class="empty" data-testid="iam-empty">No call would be denied so far.</p>`
    : html`<ol class="iam-denials" aria-label="Calls the deployed roles would deny, newest first">${[
        ...denials,
      ]
        .sort((a, b) => b.lastAt - a.lastAt)
        .map(renderDenial)}</ol>`;

/** @param {IamView | undefined} view */
export const renderCalls = (view) => {
  const calls = Object.entries(view?.calls ?? {});
  if (calls.length === 0) return html``;
  return html`<details class="iam-calls"><summary>Calls checked, per function and action</summary>
    <table class="cost-table"><thead><tr><th scope="col">Function</th><th scope="col">Action</th>
      <th scope="col" class="num">Allowed</th><th scope="col" class="num">Denied</th></tr></thead>
    <tbody>${calls.flatMap(([fn, actions]) =>
      Object.entries(actions).map(
        ([action, n]) =>
          html`<tr><th scope="row">${fn}</th><td><code>${action}</code></td><td class="num">${n.allowed}</td><td class="num">${n.denied}</td></tr>`,
      ),
    )}</tbody></table></details>
    ${
      (view?.notCovered ?? []).length > 0 &&
      html`<details class="iam-calls"><summary>What the preflight does not see</summary>
        <ul>${(view?.notCovered ?? []).map((n) => html`<li>${n}</li>`)}</ul></details>`
    }`;
};

/** @param {{ state: () => Promise<unknown> }} api */
export const createIamPanel = (api) => {
  const summary = byId("iam-summary");
  const list = byId("iam-denials");
  const calls = byId("iam-calls");
  /** @type {IamView | undefined} */
  let view;
  /** @type {Map<string, IamDenial>} */
  const denials = new Map();
  let timer = 0;

  const draw = () => {
    setHtml(summary, renderIamSummary(view));
    setHtml(list, view && view.mode !== "off" ? renderDenials([...denials.values()]) : html``);
    setHtml(calls, renderCalls(view));
  };
  /** @param {IamView | undefined} fresh */
  const reset = (fresh) => {
    view = fresh;
    denials.clear();
    for (const d of fresh?.denials ?? []) denials.set(denialKey(d), d);
    draw();
  };
  const refresh = async () => {
    try {
      reset(/** @type {{ iam?: IamView }} */ (await api.state()).iam);
    } catch {
      // The next invocation or denial refreshes it.
    }
  };

  return {
    reset,
    /** Counts change with every call: refetched at most once a second while invocations run. */
    invocation() {
      clearTimeout(timer);
      timer = window.setTimeout(refresh, 1_000);
    },
    /** @param {IamDenial} denial */
    denied(denial) {
      const key = denialKey(denial);
      if (!denials.has(key)) announce(`IAM preflight: ${denial.functionId} would be denied ${denial.action}`);
      denials.set(key, denial);
      // Each event is one more denied call; the next refresh brings the exact counts.
      if (view) view = { ...view, denied: (view.denied ?? 0) + 1, evaluated: (view.evaluated ?? 0) + 1 };
      draw();
    },
  };
};
