// @ts-check
import { createLabApi, createWebAppApi } from "./lib/api.js";
import { byId } from "./lib/dom.js";
import { connectLive } from "./lib/live.js";
import { createLabState, seedHistory, setFunctions } from "./lib/state.js";
import { createAlertsPanel } from "./panels/alerts.js";
import { createBatchPanel } from "./panels/batch.js";
import { createInvocationsPanel } from "./panels/invocations.js";
import { createUploadPanel } from "./panels/uploads.js";

/**
 * The lab page: loads a snapshot of the lab, then follows its server-sent events. After a reconnect the
 * snapshot is loaded again, since events sent while the stream was down are gone.
 */

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
    })),
    now,
  );
  for (const c of concurrency) seedHistory(state, c.functionId, c.history, now);
  state.invocations = [...recent].reverse().slice(0, state.maxInvocations);
  state.running.clear();
  invocations.reset();
  alerts.reset(slack);
  batch.reset(runs);
  refreshUploads();
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
      "invocation-start": (e) => invocations.started({ ...e, status: "running" }),
      invocation: (e) => invocations.finished(e),
      concurrency: (e) => invocations.concurrency(e),
      throttle: (e) => invocations.throttle(e),
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

void start();
