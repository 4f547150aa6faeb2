// @ts-check
/**
 * The browser's side of the presigned POST flow: ask the upload API for a form, post the file straight to
 * S3 with the form's fields, then poll the API until transform has written the variants or refused the file.
 * Only `fetch`, `FormData` and `Blob`, so Node runs it in tests too.
 *
 * @typedef {{ id: string; key: string; url: string; fields: Record<string, string>; expiresAt: string; maxBytes: number }} UploadForm
 * @typedef {{ name: string; format: string; key: string; contentType: string; width: number; height: number; bytes: number }} Variant
 * @typedef {{
 *   id: string; imageId: string; status: "pending" | "ready" | "quarantined" | "missing";
 *   original: { exists: false } | { exists: true; key: string; size: number; contentType: string | null; uploadedAt: string };
 *   variants: Variant[]; quarantine: { reason: string; detail: string; quarantinedAt: string } | null
 * }} UploadStatus
 */

/** The upload was refused before reaching S3 (by the API or by S3's policy check); `message` says why. */
export class UploadRefusedError extends Error {
  /** @param {string} message @param {number} status @param {"api" | "s3"} by */
  constructor(message, status, by) {
    super(message);
    this.name = "UploadRefusedError";
    this.status = status;
    this.by = by;
  }
}

/** RFC 9457 problem → one readable line, field errors included. @param {any} problem @param {number} status */
export const problemMessage = (problem, status) => {
  if (problem && typeof problem === "object") {
    const title = typeof problem.title === "string" ? problem.title : `HTTP ${status}`;
    const detail =
      typeof problem.detail === "string"
        ? problem.detail
        : typeof problem.message === "string"
          ? problem.message
          : "";
    return detail ? `${title}: ${detail}` : title;
  }
  return `HTTP ${status}`;
};

/** S3's XML error (`<Error><Code>EntityTooLarge</Code><Message>…</Message></Error>`) → one line. @param {string} xml @param {number} status */
export const s3ErrorMessage = (xml, status) => {
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1];
  if (!code && !message) return `S3 answered HTTP ${status}`;
  return `S3 refused the file: ${[code, message].filter(Boolean).join(": ")}`;
};

/**
 * @param {string} apiUrl the upload API's base URL
 * @param {{ type: string; size: number; name?: string }} file
 * @param {{ token?: string; fetch?: typeof fetch }} [options]
 * @returns {Promise<UploadForm>}
 */
export const requestUploadForm = async (apiUrl, file, options = {}) => {
  const doFetch = options.fetch ?? fetch;
  const response = await doFetch(`${apiUrl.replace(/\/$/, "")}/uploads`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    // A file the browser cannot type gets an empty type; the API then names the allowed ones.
    body: JSON.stringify({
      contentType: file.type || "application/octet-stream",
      size: file.size,
      ...(file.name ? { filename: file.name } : {}),
    }),
  });
  const text = await response.text();
  /** @type {any} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const throttled = response.headers.get("x-lab-lambda-error");
    const message = throttled
      ? `the upload API failed (${throttled})`
      : problemMessage(body, response.status);
    throw new UploadRefusedError(message, response.status, "api");
  }
  if (!body || typeof body.url !== "string" || typeof body.fields !== "object")
    throw new Error(`the upload API answered ${response.status} without a form: ${text.slice(0, 200)}`);
  return body;
};

/**
 * Posts the file with the form's fields. S3 requires the file to be the last field of the form.
 * @param {UploadForm} form @param {Blob} file @param {{ fetch?: typeof fetch; filename?: string }} [options]
 */
export const postToS3 = async (form, file, options = {}) => {
  const doFetch = options.fetch ?? fetch;
  const data = new FormData();
  for (const [name, value] of Object.entries(form.fields)) data.append(name, value);
  data.append("file", file, options.filename ?? "upload");
  const response = await doFetch(form.url, { method: "POST", body: data });
  if (!response.ok)
    throw new UploadRefusedError(
      s3ErrorMessage(await response.text(), response.status),
      response.status,
      "s3",
    );
};

/**
 * @param {string} apiUrl @param {string} id
 * @param {{ token?: string; fetch?: typeof fetch }} [options]
 * @returns {Promise<UploadStatus>}
 */
export const getUploadStatus = async (apiUrl, id, options = {}) => {
  const doFetch = options.fetch ?? fetch;
  const response = await doFetch(`${apiUrl.replace(/\/$/, "")}/uploads/${encodeURIComponent(id)}`, {
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
  });
  const text = await response.text();
  if (!response.ok) {
    let body;
    try {
      body = JSON.parse(text);
    } catch {}
    throw new Error(problemMessage(body, response.status));
  }
  return JSON.parse(text);
};

/** Polling stops once transform has decided: variants written or file quarantined. @param {UploadStatus} status */
export const isSettled = (status) => status.status === "ready" || status.status === "quarantined";

/**
 * Polls until settled or `timeoutMs` passes, reporting each answer (variants "as they appear").
 * Between polls it waits `intervalMs`, or less when `wait` resolves early (the page wakes it when S3
 * reports the manifest or the quarantine marker). Failed polls (the API is a function with reserved
 * concurrency too, so a burst can throttle it) are retried.
 * @param {() => Promise<UploadStatus>} poll @param {(status: UploadStatus) => void} onStatus
 * @param {{ intervalMs?: number; timeoutMs?: number; wait?: (ms: number) => Promise<void>; onError?: (error: Error) => void }} [options]
 */
export const pollUntilSettled = async (poll, onStatus, options = {}) => {
  const { intervalMs = 2_000, timeoutMs = 60_000 } = options;
  const wait =
    options.wait ?? ((/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + timeoutMs;
  /** @type {UploadStatus | undefined} */
  let last;
  while (Date.now() < deadline) {
    try {
      last = await poll();
      onStatus(last);
      if (isSettled(last)) return last;
    } catch (error) {
      options.onError?.(/** @type {Error} */ (error));
    }
    await wait(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  return last;
};
