// @ts-check
/**
 * Every lab endpoint the page calls, in one place. The page is served by the lab's server, so lab paths
 * are same-origin; the upload API, the web-app stand-in and S3 are other origins named in the state.
 *
 * @typedef {{
 *   id: string; functionName: string; memorySizeMb: number; timeoutSeconds: number;
 *   reservedConcurrency?: number | null; concurrencyLimit?: number; concurrent?: number; queued?: number;
 *   runtime?: string; nodeVersion?: string; inspector?: { port: number; paused: boolean }
 * }} LabFunction
 * @typedef {{ functionId: string; at: number; ok: boolean; durationMs: number; error?: string }} ReloadRecord
 * @typedef {{ id: number; receivedAt: string; path?: string; payload: import("./block-kit.js").SlackMessage }} SlackEntry
 * @typedef {{
 *   functionId: string; trigger: "schedule" | "run-now"; dryRun?: boolean; requestId: string; startedAt: string;
 *   status: string; durationMs: number; result: unknown
 * }} BatchRun
 * @typedef {{ functionId: string; count: number; ok: number; throttled: number; failed: number; limit: number; cold: number }} BurstResult
 * @typedef {{ functionId: string; concurrent: number; limit: number; reservedConcurrency: number | null; history: { at: number; concurrent: number }[] }} ConcurrencyView
 * @typedef {{
 *   stack?: string; timeZone?: string; bucket?: string; uploadAuthMode?: "none" | "token"; gracePeriodHours?: number;
 *   alarmPeriodSeconds?: number;
 *   urls: { page?: string; uploadApi: string; webApp?: string; s3?: string; slackWebhook?: string };
 *   functions: LabFunction[]; reloads?: ReloadRecord[];
 *   throttles?: Record<string, { count: number; times: number[] }>
 * }} LabSnapshot
 */

export class ApiError extends Error {
  /** @param {string} message @param {number} status */
  constructor(message, status) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/** @param {Response} response */
const readJson = async (response) => {
  const text = await response.text();
  /** @type {any} */
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const message =
      body?.error ?? body?.message ?? body?.detail ?? (text.slice(0, 200) || `HTTP ${response.status}`);
    throw new ApiError(String(message), response.status);
  }
  return body;
};

/** @param {string} url @param {unknown} [body] */
const post = (url, body) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body ?? {}),
  }).then(readJson);

/** @param {string} url */
const get = (url) => fetch(url, { headers: { accept: "application/json" } }).then(readJson);

/** The lab server's page API (packages/lab/README.md). */
export const LAB_PATHS = {
  state: "/api/state",
  events: "/api/events",
  invocations: "/api/invocations?limit=100",
  concurrency: "/api/concurrency",
  uploads: "/api/uploads",
  ageUpload: "/api/uploads/age",
  slack: "/api/slack",
  batch: "/api/batch",
  cost: "/api/cost",
  architecture: "/api/architecture.svg",
  /** @param {string} functionId */
  burst: (functionId) => `/api/functions/${encodeURIComponent(functionId)}/burst`,
  /** @param {string} functionId */
  runBatch: (functionId) => `/api/batch/${encodeURIComponent(functionId)}/run`,
};

/** @param {string} [base] the lab server's origin; empty when the page is served by it */
export const createLabApi = (base = "") => ({
  /** @returns {Promise<LabSnapshot>} */
  state: () => get(`${base}${LAB_PATHS.state}`),
  /** @returns {Promise<import("./state.js").Invocation[]>} oldest first */
  invocations: () => get(`${base}${LAB_PATHS.invocations}`),
  /** @returns {Promise<ConcurrencyView[]>} */
  concurrency: () => get(`${base}${LAB_PATHS.concurrency}`),
  /** @returns {Promise<any[]>} newest first */
  uploads: () => get(`${base}${LAB_PATHS.uploads}`),
  /** Backdates an original, so a cleanup run treats it as older than the grace period. @param {string} key @param {number} hours */
  ageUpload: (key, hours) => post(`${base}${LAB_PATHS.ageUpload}`, { key, hours }),
  /** @returns {Promise<SlackEntry[]>} oldest first */
  slack: () => get(`${base}${LAB_PATHS.slack}`),
  /** @returns {Promise<BatchRun[]>} oldest first */
  batchRuns: () => get(`${base}${LAB_PATHS.batch}`),
  /**
   * N synchronous invokes at once, started by the lab (a browser opens at most 6 connections per host,
   * so a burst sent from the page could never exceed a reservation of 6).
   * @param {string} functionId @param {number} count @returns {Promise<BurstResult>}
   */
  burst: (functionId, count) => post(`${base}${LAB_PATHS.burst(functionId)}`, { count }),
  /** Runs a scheduled function now and waits for its report. @param {string} functionId @param {{ dryRun?: boolean; date?: string }} options @returns {Promise<BatchRun>} */
  runBatch: (functionId, options) => post(`${base}${LAB_PATHS.runBatch(functionId)}`, options),
  /** What the invocations so far would have cost on AWS. @returns {Promise<import("../panels/cost.js").CostSnapshot>} */
  cost: () => get(`${base}${LAB_PATHS.cost}`),
  /** The stack's architecture diagram (generated SVG, same origin). @returns {Promise<string>} */
  architectureSvg: () =>
    fetch(`${base}${LAB_PATHS.architecture}`).then(async (r) => {
      if (!r.ok) throw new ApiError((await r.text()).slice(0, 200) || `HTTP ${r.status}`, r.status);
      return r.text();
    }),
  eventsUrl: `${base}${LAB_PATHS.events}`,
});

/** The web-app stand-in: posts, attaching uploads, upload tokens. @param {string} webApp */
export const createWebAppApi = (webApp) => ({
  /** @param {string} title @returns {Promise<{ id: number }>} */
  createPost: (title) => post(`${webApp}/posts`, { title }),
  /** @param {number} postId @param {string} key */
  attach: (postId, key) => post(`${webApp}/posts/${postId}/images`, { key }),
  /** @returns {Promise<{ token: string; expiresIn: number }>} */
  token: () => post(`${webApp}/tokens`, {}),
});
