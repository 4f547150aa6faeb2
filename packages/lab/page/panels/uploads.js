// @ts-check
import { announce, byId, fromHtml, replaceKeepingFocus } from "../lib/dom.js";
import { formatBytes, formatClock, formatDimensions } from "../lib/format.js";
import { html } from "../lib/html.js";
import {
  getUploadStatus,
  pollUntilSettled,
  postToS3,
  requestUploadForm,
  UploadRefusedError,
} from "../lib/upload.js";

/**
 * The upload panel: pick or drop an image, run the presigned POST flow, and show the original and its
 * variants as transform writes them. Each card can attach its image to a post through the web-app
 * stand-in, or leave it orphaned for the next cleanup run.
 *
 * @typedef {"requesting" | "uploading" | "pending" | "ready" | "quarantined" | "refused" | "failed" | "deleted"} Phase
 * @typedef {{ name: string; format: string; width: number; height: number; bytes: number; key: string; url: string }} VariantView
 * @typedef {{
 *   cardId: string; id?: string; key?: string; filename: string; contentType: string; size: number;
 *   phase: Phase; previewUrl?: string; originalUrl?: string; variants: VariantView[]; reason?: string;
 *   postId: number | null; attaching?: boolean; attachError?: string; at: number; source: "page" | "lab"; aging?: boolean; storedAt?: number;
 *   agedMessage?: string
 * }} UploadCard
 * @typedef {{
 *   uploadApi: () => string; token: () => Promise<string | undefined>; webApp: ReturnType<typeof import("../lib/api.js").createWebAppApi> | undefined;
 *   gracePeriodHours: () => number | undefined; ageUpload: (key: string, hours: number) => Promise<unknown>
 * }} UploadDeps
 */

const PHASE_LABEL = /** @type {Record<Phase, string>} */ ({
  requesting: "asking for a form",
  uploading: "uploading to S3",
  pending: "transforming",
  ready: "variants ready",
  quarantined: "quarantined",
  refused: "refused",
  failed: "failed",
  deleted: "deleted",
});

/** @type {Partial<Record<Phase, string>>} */
const REASON_LABEL = { quarantined: "Quarantined", refused: "Refused", failed: "Failed", deleted: "Deleted" };

/** Phases in which the original is in the bucket. */
const STORED = new Set(["pending", "ready", "quarantined"]);

/** @param {string} bucketUrl @param {string} key */
const objectUrl = (bucketUrl, key) =>
  `${bucketUrl.replace(/\/$/, "")}/${key.split("/").map(encodeURIComponent).join("/")}`;

/** Hours to backdate an upload by: just past the grace period, so the next cleanup run considers it. @param {number | undefined} graceHours */
export const agingHours = (graceHours) => Math.ceil(graceHours ?? 24) + 1;

/** @param {number} at @param {number} now */
const ageText = (at, now) => {
  const hours = (now - at) / 3_600_000;
  return hours >= 1 ? `${Math.floor(hours)} h old` : formatClock(at);
};

/** @param {UploadCard} card @param {number | undefined} graceHours */
const attachmentLine = (card, graceHours) => {
  if (!card.key || !STORED.has(card.phase)) return null;
  const hours = agingHours(graceHours);
  const ageButton = html`<button type="button" class="secondary" data-action="age" data-card="${card.cardId}" data-focus-key="age-${card.cardId}" ${card.aging ? "disabled" : ""}
    title="Backdate the original by ${hours} h, past the ${graceHours ?? "?"} h grace period">Make it ${hours} h old</button>`;
  if (card.postId !== null)
    return html`<span class="badge" data-kind="attached">attached to post #${card.postId}</span>
      <span class="hint">a cleanup run keeps it.</span> ${ageButton}`;
  const orphanHint = html`<span class="badge" data-kind="orphan">orphan</span>
    <span class="hint">not attached: a cleanup run deletes it once it is older than ${graceHours !== undefined ? `${graceHours} h` : "the grace period"}.</span>`;
  // A quarantined file never goes into a post (the web app refuses it too): no Attach button.
  if (card.phase === "quarantined")
    return html`${orphanHint} <span class="hint" data-testid="no-attach">Quarantined uploads cannot be attached.</span> ${ageButton}`;
  return html`${orphanHint}
    <button type="button" class="secondary" data-action="attach" data-card="${card.cardId}" data-focus-key="attach-${card.cardId}" ${card.attaching ? "disabled" : ""}>${card.attaching ? "Attaching…" : "Attach to a post"}</button>
    ${ageButton}`;
};

/** `uploads/2026/11/25/01J….jpg` → `2026/11/25/01J…`: the id the derived keys are named after. @param {string} key */
export const imageIdOfKey = (key) => key.replace(/^uploads\//, "").replace(/\.[^./]+$/, "");

/** @param {UploadCard} card @param {string} src */
const originalFigure = (card, src) => {
  // A quarantined file often cannot be decoded by the browser either; a refused one never reached S3.
  if (card.phase === "quarantined")
    return html`<li><figure><div class="no-preview">no preview</div>
      <figcaption><strong>original</strong><br>${formatBytes(card.size)} · kept, not transformed</figcaption></figure></li>`;
  const label = STORED.has(card.phase) ? "original" : "your file";
  return html`<li><figure>
    <img src="${src}" alt="${label === "original" ? "Original" : "Your file"}: ${card.filename}" loading="lazy" decoding="async">
    <figcaption><strong>${label}</strong><br>${formatBytes(card.size)}${card.contentType && ` · ${card.contentType.replace("image/", "")}`}${card.phase === "refused" ? " · not uploaded" : card.phase === "deleted" ? " · deleted" : ""}</figcaption>
  </figure></li>`;
};

/** @param {UploadCard} card @param {number | undefined} graceHours */
export const renderCard = (card, graceHours) => {
  const original = card.previewUrl ?? card.originalUrl;
  return html`<li class="upload" data-testid="upload-card" data-phase="${card.phase}" data-key="${card.key ?? ""}" aria-label="Upload ${card.filename}">
    <div class="upload-head">
      <h3>${card.filename}</h3>
      <span class="badge" data-kind="${card.phase}" data-testid="upload-status">${PHASE_LABEL[card.phase]}</span>
      <span class="hint">${formatBytes(card.size)} · ${card.contentType || "unknown type"} · ${ageText(card.at, Date.now())}</span>
      ${card.key && html`<button type="button" class="secondary" data-trace="${card.key}" data-testid="trace-object" title="What happened to ${card.key}, step by step">Trace</button>`}
    </div>
    ${card.reason && html`<p class="reason" data-testid="upload-reason"><strong>${REASON_LABEL[card.phase] ?? "Problem"}:</strong> ${card.reason}</p>`}
    <ul class="images" aria-label="Original and variants">
      ${original && originalFigure(card, original)}
      ${card.variants.map(
        (v) => html`<li data-testid="variant"><figure>
          <img src="${v.url}" alt="${v.name} variant, ${v.format}, ${formatDimensions(v.width, v.height)}" loading="lazy" decoding="async" width="${v.width}" height="${v.height}">
          <figcaption><strong>${v.name}</strong><br>${v.format} · ${formatDimensions(v.width, v.height)} · ${formatBytes(v.bytes)}
            <button type="button" class="secondary" data-trace="${v.key}" data-testid="trace-variant" title="Why writing ${v.key} invoked nothing">trace</button></figcaption>
        </figure></li>`,
      )}
    </ul>
    <div class="upload-actions">${attachmentLine(card, graceHours)}
      ${card.agedMessage && html`<span class="hint" data-testid="aged-message">Backdated: ${card.agedMessage}</span>`}
      ${card.attachError && html`<span class="error" role="alert">${card.attachError}</span>`}
    </div>
  </li>`;
};

/**
 * The lab's uploads feed entry → a card (uploads made elsewhere: curl, `lab invoke`, an earlier visit).
 * @param {any} view @returns {UploadCard}
 */
export const cardFromFeed = (view) => ({
  cardId: `key:${view.key}`,
  key: view.key,
  filename: view.key.split("/").pop() ?? view.key,
  contentType: view.contentType ?? "",
  size: view.size,
  phase:
    view.status === "done" || view.status === "ready"
      ? "ready"
      : view.status === "quarantined"
        ? "quarantined"
        : "pending",
  originalUrl: view.url,
  variants: view.variants ?? [],
  ...(view.quarantine ? { reason: `${view.quarantine.reason}: ${view.quarantine.detail}` } : {}),
  postId: view.postId ?? null,
  at: Date.parse(view.lastModified) || Date.now(),
  storedAt: 0,
  source: "lab",
});

/** How many uploads from the feed the panel shows: enough to see what cleanup will do, light to render. */
const FEED_LIMIT = 12;

/** @param {UploadCard} a @param {UploadCard} b */
const sameView = (a, b) =>
  a.phase === b.phase &&
  a.postId === b.postId &&
  a.variants.length === b.variants.length &&
  a.reason === b.reason &&
  Math.abs(a.at - b.at) < 60_000;

/** @param {UploadDeps} deps */
export const createUploadPanel = (deps) => {
  const list = byId("uploads");
  const form = /** @type {HTMLFormElement} */ (byId("upload-form"));
  const input = /** @type {HTMLInputElement} */ (byId("upload-file"));
  const attachBox = /** @type {HTMLInputElement} */ (byId("upload-attach"));
  const errorLine = byId("upload-error");
  /** @type {Map<string, UploadCard>} */
  const cards = new Map();
  let counter = 0;
  /** Pending uploads' pollers waiting for their next poll, by image id: an S3 event wakes them early. */
  /** @type {Map<string, () => void>} */
  const sleepers = new Map();
  /** @param {string} imageId @returns {(ms: number) => Promise<void>} */
  const waitFor = (imageId) => (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(wake, ms);
      function wake() {
        clearTimeout(timer);
        sleepers.delete(imageId);
        resolve(undefined);
      }
      sleepers.set(imageId, wake);
    });

  /** @param {UploadCard} card */
  const render = (card) => {
    const markup = renderCard(card, deps.gracePeriodHours());
    const existing = list.querySelector(`[data-card-id="${CSS.escape(card.cardId)}"]`);
    const element = fromHtml(markup);
    element.setAttribute("data-card-id", card.cardId);
    if (!existing) {
      list.prepend(element);
      return;
    }
    // Same card: swap it in place, keeping keyboard focus on the same control.
    replaceKeepingFocus(existing, element);
  };

  /** @param {UploadCard} card @param {Partial<UploadCard>} change */
  const update = (card, change) => {
    Object.assign(card, change);
    render(card);
  };

  /** @param {UploadCard} card */
  const attach = async (card) => {
    if (!deps.webApp || !card.key) return;
    update(card, { attaching: true, attachError: undefined });
    try {
      const post = await deps.webApp.createPost(`Post with ${card.filename}`);
      await deps.webApp.attach(post.id, card.key);
      update(card, { attaching: false, postId: post.id });
      announce(`${card.filename} attached to post ${post.id}`);
    } catch (error) {
      update(card, {
        attaching: false,
        attachError: `Could not attach: ${/** @type {Error} */ (error).message}`,
      });
    }
  };

  /** @param {UploadCard} card */
  const age = async (card) => {
    if (!card.key) return;
    const hours = agingHours(deps.gracePeriodHours());
    update(card, { aging: true });
    try {
      // The lab never makes an upload younger: it answers with the Last-Modified it kept or set.
      const result = /** @type {{ lastModified?: string; message?: string }} */ (
        await deps.ageUpload(card.key, hours)
      );
      const at = result?.lastModified ? Date.parse(result.lastModified) : Date.now() - hours * 3_600_000;
      update(card, { aging: false, at, agedMessage: result?.message });
      announce(`${card.filename}: ${result?.message ?? `now ${hours} hours old`}`);
    } catch (error) {
      update(card, {
        aging: false,
        attachError: `Could not backdate: ${/** @type {Error} */ (error).message}`,
      });
    }
  };

  /** @param {File} file */
  const upload = async (file) => {
    errorLine.hidden = true;
    const card = /** @type {UploadCard} */ ({
      cardId: `page:${++counter}`,
      filename: file.name || "image",
      contentType: file.type,
      size: file.size,
      phase: "requesting",
      previewUrl: URL.createObjectURL(file),
      variants: [],
      postId: null,
      at: Date.now(),
      source: "page",
    });
    cards.set(card.cardId, card);
    render(card);
    const apiUrl = deps.uploadApi();
    try {
      const token = await deps.token();
      const uploadForm = await requestUploadForm(apiUrl, file, token ? { token } : {});
      update(card, { phase: "uploading", id: uploadForm.id, key: uploadForm.key });
      await postToS3(uploadForm, file, { filename: file.name || "upload" });
      update(card, {
        phase: "pending",
        originalUrl: objectUrl(uploadForm.url, uploadForm.key),
        storedAt: Date.now(),
      });
      if (attachBox.checked) void attach(card);
      const imageId = imageIdOfKey(uploadForm.key);
      const final = await pollUntilSettled(
        () => getUploadStatus(apiUrl, uploadForm.id, token ? { token } : {}),
        (status) => {
          const variants = status.variants.map((v) => ({ ...v, url: objectUrl(uploadForm.url, v.key) }));
          if (status.status === "quarantined" && status.quarantine)
            update(card, {
              phase: "quarantined",
              reason: `${status.quarantine.reason}: ${status.quarantine.detail}`,
              variants,
            });
          else if (status.status === "ready") update(card, { phase: "ready", variants });
        },
        { wait: waitFor(imageId) },
      );
      if (final?.status === "ready") announce(`${card.filename}: ${final.variants.length} variants ready`);
      else if (final?.status === "quarantined")
        announce(`${card.filename} was quarantined: ${final.quarantine?.reason ?? ""}`);
      else
        update(card, {
          phase: "failed",
          reason: "no variants and no quarantine marker within 60 s: see the transform invocations",
        });
    } catch (error) {
      const refused = error instanceof UploadRefusedError;
      update(card, { phase: refused ? "refused" : "failed", reason: /** @type {Error} */ (error).message });
      announce(`${card.filename} ${refused ? "refused" : "failed"}: ${/** @type {Error} */ (error).message}`);
    }
  };

  input.addEventListener("change", () => {
    for (const file of input.files ?? []) void upload(file);
    input.value = "";
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  for (const type of ["dragenter", "dragover"])
    form.addEventListener(type, (event) => {
      event.preventDefault();
      form.classList.add("dragging");
    });
  for (const type of ["dragleave", "drop"])
    form.addEventListener(type, () => {
      form.classList.remove("dragging");
    });
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length === 0) {
      errorLine.textContent = "Drop an image file.";
      errorLine.hidden = false;
      return;
    }
    for (const file of files) void upload(file);
  });
  list.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("[data-action]");
    const card = button && cards.get(button.getAttribute("data-card") ?? "");
    if (!card) return;
    if (button.getAttribute("data-action") === "attach") void attach(card);
    if (button.getAttribute("data-action") === "age") void age(card);
  });

  return {
    upload,
    /**
     * An object was written: when it is a pending upload's manifest or quarantine marker, poll it now
     * instead of at the next interval. @param {string} key
     */
    objectWritten(key) {
      const match = /^(?:variants\/(.+)\/manifest\.json|quarantine\/(.+)\.json)$/.exec(key);
      const imageId = match?.[1] ?? match?.[2];
      if (imageId) sleepers.get(imageId)?.();
    },
    /**
     * Cards for uploads the page did not make (curl, `lab invoke`, an earlier visit), from the lab's feed,
     * newest first. For the page's own uploads only the attachment state is taken: the database knows it.
     * @param {any[]} views
     * @param {number} requestedAt when the list was asked for: a card stored after that is not in it yet
     */
    mergeFeed(views, requestedAt) {
      const present = new Set(views.map((v) => v.key));
      // The lab lists the newest 50 originals: an older card missing from a full list may just be cut off.
      const oldestListed = views.length >= 50 ? Math.min(...views.map((v) => Date.parse(v.lastModified))) : 0;
      for (const card of cards.values())
        if (
          card.key &&
          STORED.has(card.phase) &&
          !present.has(card.key) &&
          card.at >= oldestListed &&
          (card.storedAt ?? 0) < requestedAt
        )
          update(card, {
            phase: "deleted",
            reason: "the original and its variants are gone from the bucket (a cleanup run deleted them)",
            variants: [],
            originalUrl: undefined,
          });
      for (const view of views.slice(0, FEED_LIMIT).reverse()) {
        const ours = [...cards.values()].find((c) => c.source === "page" && c.key === view.key);
        if (ours) {
          const at = Date.parse(view.lastModified) || ours.at;
          if ((!ours.attaching && ours.postId !== (view.postId ?? null)) || Math.abs(at - ours.at) > 60_000)
            update(ours, { postId: ours.attaching ? ours.postId : (view.postId ?? null), at });
          continue;
        }
        const fresh = cardFromFeed(view);
        const existing = cards.get(fresh.cardId);
        if (existing && sameView(existing, fresh)) continue;
        const card = existing
          ? Object.assign(existing, fresh, {
              attaching: existing.attaching,
              attachError: existing.attachError,
              agedMessage: existing.agedMessage,
            })
          : fresh;
        cards.set(card.cardId, card);
        render(card);
      }
    },
  };
};
