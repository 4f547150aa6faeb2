// @ts-check
/**
 * The page's model of the lab, fed by the initial snapshot and then by live events. Pure data and
 * functions (no DOM), so the rules — what a throttle counts as, how long history is kept — are unit-tested.
 *
 * @typedef {{
 *   id: string; name: string; reservedConcurrency: number | null; memorySizeMb?: number; timeoutSeconds?: number;
 *   runtime?: string; nodeVersion?: string; inspectorPort?: number
 * }} FunctionInfo
 * @typedef {{ t: number; value: number }} Sample
 * @typedef {{ t: number; ok: boolean; error?: string }} Reload
 * @typedef {FunctionInfo & {
 *   concurrent: number; peak: number; samples: Sample[]; throttleTimes: number[]; throttled: number; queued: number;
 *   reloads: Reload[]; debuggerPaused: boolean
 * }} FunctionState
 * @typedef {{
 *   requestId: string; functionId: string; functionName?: string; status: string; cold: boolean;
 *   durationMs?: number; initDurationMs?: number; billedDurationMs?: number; maxMemoryUsedMb?: number;
 *   memorySizeMb?: number; invocationType?: string; source?: string; attempt?: number; startedAt?: number;
 *   endedAt?: number; errorType?: string; report?: string
 * }} Invocation
 * @typedef {{ functions: Map<string, FunctionState>; invocations: Invocation[]; running: Map<string, Invocation>; maxInvocations: number; historyMs: number }} LabState
 */

/** @param {{ maxInvocations?: number; historyMs?: number }} [options] @returns {LabState} */
export const createLabState = ({ maxInvocations = 100, historyMs = 5 * 60_000 } = {}) => ({
  functions: new Map(),
  invocations: [],
  running: new Map(),
  maxInvocations,
  historyMs,
});

/** @param {LabState} state @param {string} id @returns {FunctionState} */
const functionOf = (state, id) => {
  let fn = state.functions.get(id);
  if (!fn) {
    // An event for a function the snapshot did not list (the lab added it): track it without a limit.
    fn = {
      id,
      name: id,
      reservedConcurrency: null,
      concurrent: 0,
      peak: 0,
      samples: [],
      throttleTimes: [],
      throttled: 0,
      queued: 0,
      reloads: [],
      debuggerPaused: false,
    };
    state.functions.set(id, fn);
  }
  return fn;
};

/** @param {LabState} state @param {number} now */
const prune = (state, now) => {
  const oldest = now - state.historyMs;
  for (const fn of state.functions.values()) {
    // Keep the last sample before the window: it is the value the chart starts from.
    const firstInside = fn.samples.findIndex((s) => s.t >= oldest);
    if (firstInside > 1) fn.samples.splice(0, firstInside - 1);
    else if (firstInside === -1 && fn.samples.length > 1) fn.samples.splice(0, fn.samples.length - 1);
    fn.throttleTimes = fn.throttleTimes.filter((t) => t >= oldest);
    fn.reloads = fn.reloads.filter((r) => r.t >= oldest);
  }
};

/** @param {LabState} state @param {readonly (FunctionInfo & { concurrent?: number })[]} functions @param {number} now */
export const setFunctions = (state, functions, now) => {
  for (const info of functions) {
    const fn = functionOf(state, info.id);
    Object.assign(fn, { ...info, concurrent: info.concurrent ?? fn.concurrent });
    if (fn.samples.length === 0) fn.samples.push({ t: now, value: fn.concurrent });
  }
};

/**
 * Replaces a function's samples with the lab's recorded history (after a load or a reconnect), keeping
 * only the window and the point it starts from.
 * @param {LabState} state @param {string} functionId @param {readonly { at: number; concurrent: number }[]} history @param {number} now
 */
export const seedHistory = (state, functionId, history, now) => {
  const fn = functionOf(state, functionId);
  fn.samples = history.map((h) => ({ t: h.at, value: h.concurrent }));
  fn.samples.push({ t: now, value: fn.concurrent });
  fn.peak = Math.max(fn.peak, ...fn.samples.map((s) => s.value));
  prune(state, now);
};

/** @param {LabState} state @param {string} functionId @param {number} concurrent @param {number} t */
export const recordConcurrency = (state, functionId, concurrent, t) => {
  const fn = functionOf(state, functionId);
  fn.concurrent = concurrent;
  fn.peak = Math.max(fn.peak, concurrent);
  fn.samples.push({ t, value: concurrent });
  prune(state, t);
};

/** @param {LabState} state @param {string} functionId @param {number} t */
export const recordThrottle = (state, functionId, t) => {
  const fn = functionOf(state, functionId);
  fn.throttled++;
  fn.throttleTimes.push(t);
  prune(state, t);
};

/**
 * Replaces a function's 429 count and chart ticks with the lab's own record (a load or a reconnect), so a
 * reload of the page shows the throttles it had: the server keeps them, not the browser.
 * @param {LabState} state @param {string} functionId @param {{ count: number; times: readonly number[] }} summary @param {number} now
 */
export const seedThrottles = (state, functionId, summary, now) => {
  const fn = functionOf(state, functionId);
  fn.throttled = summary.count;
  fn.throttleTimes = [...summary.times];
  prune(state, now);
};

/**
 * A hot reload of a function's code (a save): a marker on its chart; a failed one keeps its error, since the
 * old code goes on serving.
 * @param {LabState} state @param {string} functionId @param {Reload} reload
 */
export const recordReload = (state, functionId, reload) => {
  const fn = functionOf(state, functionId);
  fn.reloads.push(reload);
  prune(state, reload.t);
};

/** A debugger holds (or released) the function's environment. @param {LabState} state @param {string} functionId @param {boolean} paused */
export const recordDebugger = (state, functionId, paused) => {
  functionOf(state, functionId).debuggerPaused = paused;
};

/** @param {LabState} state @param {Invocation} started */
export const recordStart = (state, started) => {
  state.running.set(started.requestId, { ...started, status: "running" });
};

/**
 * A finished invocation goes to the top of the list. Async retries share a request id with the first
 * try; each attempt is its own row (Lambda logs a REPORT line per attempt too).
 * @param {LabState} state @param {Invocation} record
 */
export const recordInvocation = (state, record) => {
  state.running.delete(record.requestId);
  state.invocations.unshift(record);
  if (state.invocations.length > state.maxInvocations) state.invocations.length = state.maxInvocations;
};

/** Totals for the summary line above the list. @param {LabState} state */
export const totals = (state) => {
  let cold = 0;
  let errors = 0;
  for (const inv of state.invocations) {
    if (inv.cold) cold++;
    if (inv.status !== "success") errors++;
  }
  let throttled = 0;
  for (const fn of state.functions.values()) throttled += fn.throttled;
  return {
    shown: state.invocations.length,
    cold,
    warm: state.invocations.length - cold,
    errors,
    throttled,
    running: state.running.size,
  };
};
