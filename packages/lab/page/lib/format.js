// @ts-check
/** Display formatting shared by every panel. Pure: no DOM, so the unit tests run it in Node. */

/** Binary units, as `ls -lh` and the S3 console show sizes. @param {number} bytes */
export const formatBytes = (bytes) => {
  if (!Number.isFinite(bytes) || bytes < 0) return "?";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${units[unit]}`;
};

/** Milliseconds as the REPORT line would say them, switching to seconds past 10 s. @param {number | undefined | null} ms */
export const formatMs = (ms) => {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return "–";
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100 || Number.isInteger(ms)) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(2)} ms`;
};

/** @param {number | string | Date} time */
const toDate = (time) => (time instanceof Date ? time : new Date(time));

/** Wall-clock time `HH:MM:SS` in the viewer's time zone (24 h, so columns line up). @param {number | string | Date} time */
export const formatClock = (time) => {
  const date = toDate(time);
  if (Number.isNaN(date.getTime())) return "?";
  return date.toLocaleTimeString("en-GB", { hour12: false });
};

/** @param {number} width @param {number} height */
export const formatDimensions = (width, height) => `${width}×${height}`;

/** `1 throttle`, `3 throttles`. @param {number} n @param {string} word @param {string} [plural] */
export const plural = (n, word, plural = `${word}s`) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? word : plural}`;

/** @typedef {"success" | "error" | "timeout" | "throttled" | "running" | string} Outcome */

/** What a visitor should read for an invocation's status. @param {Outcome} status */
export const outcomeLabel = (status) =>
  ({
    success: "OK",
    error: "Error",
    timeout: "Timed out",
    throttled: "429 throttled",
    running: "Running",
  })[status] ?? status;

/** A report key's last segments are its most telling part: `…/cleanup/2026-11-25.json`. @param {string} key @param {number} [max] */
export const shortKey = (key, max = 48) => (key.length <= max ? key : `…${key.slice(key.length - max + 1)}`);

/** `camelCaseKey` → `Camel case key`, for report labels. @param {string} key */
export const humanise = (key) => {
  const words = key
    .replace(/[_-]+/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};
