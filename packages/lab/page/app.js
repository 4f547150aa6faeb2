// @ts-check
import { createLabApi, createWebAppApi } from "./lib/api.js";
import { byId } from "./lib/dom.js";
import { colourEmojiAvailable } from "./lib/emoji-support.js";
import { connectLive } from "./lib/live.js";
import {
  createLabState,
  recordDebugger,
  recordReload,
  seedHistory,
  seedThrottles,
  setFunctions,
} from "./lib/state.js";
import { createAlertsPanel } from "./panels/alerts.js";
import { createArchitecturePanel } from "./panels/architecture.js";
import { createBatchPanel } from "./panels/batch.js";
import { createCostPanel } from "./panels/cost.js";
import { createIamPanel } from "./panels/iam.js";
import { createInvocationDetail } from "./panels/invocation-detail.js";
import { createInvocationsPanel } from "./panels/invocations.js";
import { createLessons } from "./panels/lessons.js";
import { createRetriesPanel } from "./panels/retries.js";
import { createTracePanel } from "./panels/trace.js";
import { createUploadPanel } from "./panels/uploads.js";

/**
 * The lab page: loads a snapshot of the lab, then follows its server-sent events. After a reconnect the
 * snapshot is loaded again, since events sent while the stream was down are gone.
 */

// No colour-emoji font (a bare Linux): Slack cards show `:name:` labels instead of empty boxes.
if (!colourEmojiAvailable()) document.documentElement.dataset.emoji = "text";

const lab = createLabApi();
const state = createLabState();
/** @type {import("./lib/api.js").LabSnapshot | undefined} */
let snapshot;
/** @type {ReturnType<typeof createWebAppApi> | undefined} */
let webApp;
/** @type {{ token: string; until: number } | undefined} */
let token;

const connection = byId("connection");
const connectionText = byId("connection-text");
/** @param {"connecting" | "live" | "down"} status @param {string} text */
const setConnection = (status, text) => {
  connection.dataset.state = status;
  connectionText.textContent = text;
};

/** Upload tokens, when the stack's auth mode is `token`: from the web-app stand-in, reused until near expiry. */
const uploadToken = async () => {
  if (snapshot?.uploadAuthMode !== "token" || !webApp) return undefined;
  if (token && token.until > Date.now()) return token.token;
  const issued = await webApp.token();
  token = { token: issued.token, until: Date.now() + (issued.expiresIn - 30) * 1000 };
  return token.token;
};

const invocations = createInvocationsPanel(state, lab);
const batch = createBatchPanel(lab, () => snapshot?.timeZone);
const alerts = createAlertsPanel();
const cost = createCostPanel(lab);
const architecture = createArchitecturePanel(lab);
const iam = createIamPanel(lab);
const retries = createRetriesPanel();
const uploads = createUploadPanel({
  uploadApi: () => {
    if (!snapshot) throw new Error("the lab's state has not loaded yet");
    return snapshot.urls.uploadApi;
  },
  token: uploadToken,
  get webApp() {
    return webApp;
  },
  gracePeriodHours: () => snapshot?.gracePeriodHours,
  ageUpload: lab.ageUpload,
});

let uploadsTimer = 0;
/** Coalesces bursts of S3 / post events into one feed request. */
const refreshUploads = () => {
  clearTimeout(uploadsTimer);
  uploadsTimer = window.setTimeout(async () => {
    const requestedAt = Date.now();
    try {
      uploads.mergeFeed(await lab.uploads(), requestedAt);
    } catch {
      // The next S3 event or reconnect refreshes it; the page's own uploads poll the upload API anyway.
    }
  }, 250);
};

const loadSnapshot = async () => {
  const [fresh, recent, concurrency, slack, runs] = await Promise.all([
    lab.state(),
    lab.invocations(),
    lab.concurrency(),
    lab.slack(),
    lab.batchRuns(),
  ]);
  snapshot = fresh;
  // An alarm's card can only come after its period ends: say how long that is in this lab.
  if (fresh.alarmPeriodSeconds)
    byId("alarm-period").textContent =
      `Alarms evaluate every ${fresh.alarmPeriodSeconds} s, as the stack's do, so a card follows a burst by up to that long.`;
  webApp = fresh.urls.webApp ? createWebAppApi(fresh.urls.webApp) : undefined;
  byId("stack-name").textContent =
    `stack ${fresh.stack ?? "?"}${fresh.timeZone ? ` · ${fresh.timeZone}` : ""}`;
  const now = Date.now();
  setFunctions(
    state,
    fresh.functions.map((f) => ({
      id: f.id,
      name: f.functionName,
      reservedConcurrency: f.reservedConcurrency ?? null,
      memorySizeMb: f.memorySizeMb,
      timeoutSeconds: f.timeoutSeconds,
      concurrent: f.concurrent ?? 0,
      runtime: f.runtime,
      nodeVersion: f.nodeVersion,
      inspectorPort: f.inspector?.port,
    })),
    now,
  );
  for (const f of fresh.functions) recordDebugger(state, f.id, f.inspector?.paused ?? false);
  for (const r of fresh.reloads ?? [])
    recordReload(state, r.functionId, { t: r.at, ok: r.ok, error: r.error });
  for (const c of concurrency) seedHistory(state, c.functionId, c.history, now);
  for (const [id, summary] of Object.entries(fresh.throttles ?? {})) seedThrottles(state, id, summary, now);
  state.invocations = [...recent].reverse().slice(0, state.maxInvocations);
  state.running.clear();
  invocations.reset();
  alerts.reset(slack);
  batch.reset(runs);
  refreshUploads();
  void cost.refresh();
  iam.reset(/** @type {{ iam?: import("./panels/iam.js").IamView }} */ (fresh).iam);
  retries.refresh();
};

const start = async () => {
  setConnection("connecting", "Loading the lab…");
  try {
    await loadSnapshot();
  } catch (error) {
    setConnection("down", `The lab does not answer (${/** @type {Error} */ (error).message}); retrying…`);
    setTimeout(start, 2_000);
    return;
  }
  connectLive(
    lab.eventsUrl,
    {
      "invocation-start": (e) => {
        invocations.started({ ...e, status: "running" });
        architecture.event("invocation-start", e);
      },
      invocation: (e) => {
        invocations.finished(e);
        cost.invocation();
        iam.invocation();
        architecture.event("invocation", e);
      },
      concurrency: (e) => invocations.concurrency(e),
      throttle: (e) => {
        invocations.throttle(e);
        architecture.event("throttle", e);
      },
      burst: (e) => cost.burst(e),
      slack: (e) => alerts.received(e),
      batch: (e) => {
        batch.show(e);
        refreshUploads();
      },
      s3: (e) => {
        uploads.objectWritten(e.key);
        refreshUploads();
      },
      posts: refreshUploads,
      reload: (e) => invocations.reload(e),
      debugger: (e) => invocations.debuggerState(e),
      iam: (e) => iam.denied(e),
      retries: retries.refresh,
      "retry-clock": retries.refresh,
      "on-failure": retries.refresh,
    },
    {
      onOpen: (reconnected) => {
        setConnection("live", "Live");
        if (reconnected) void loadSnapshot().catch(() => {});
      },
      onDown: () => setConnection("down", "Connection lost; reconnecting…"),
    },
  );
};

void architecture.load();
createInvocationDetail();
createTracePanel();
void createLessons()
  .load()
  .catch(() => {});
void start();
