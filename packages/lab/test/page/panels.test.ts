import { describe, expect, it } from "vitest";
import {
  isSettled,
  pollUntilSettled,
  problemMessage,
  s3ErrorMessage,
  type UploadStatus,
} from "../../page/lib/upload.js";
import { runOptions, titleOf, todayIn } from "../../page/panels/batch.js";
import { renderRow } from "../../page/panels/invocations.js";
import { agingHours, cardFromFeed, imageIdOfKey, renderCard } from "../../page/panels/uploads.js";

const status = (s: UploadStatus["status"]): UploadStatus => ({
  id: "01J00000000000000000000000",
  imageId: "2026/11/25/01J00000000000000000000000",
  status: s,
  original: { exists: false },
  variants: [],
  quarantine: null,
});

describe("upload flow helpers", () => {
  it("words an RFC 9457 problem as title and detail", () => {
    expect(problemMessage({ title: "Invalid upload request", detail: "size: must be at most 10" }, 400)).toBe(
      "Invalid upload request: size: must be at most 10",
    );
    expect(problemMessage(undefined, 502)).toBe("HTTP 502");
  });

  it("reads S3's XML error", () => {
    const xml =
      "<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message></Error>";

    expect(s3ErrorMessage(xml, 400)).toBe(
      "S3 refused the file: EntityTooLarge: Your proposed upload exceeds the maximum allowed size",
    );
    expect(s3ErrorMessage("", 403)).toBe("S3 answered HTTP 403");
  });

  it("polls until transform has decided, reporting every answer and retrying failed polls", async () => {
    const answers = [new Error("throttled"), status("pending"), status("ready")];
    const seen: string[] = [];
    const errors: string[] = [];

    const final = await pollUntilSettled(
      async () => {
        const next = answers.shift()!;
        if (next instanceof Error) throw next;
        return next;
      },
      (s) => seen.push(s.status),
      { intervalMs: 1, wait: async () => {}, onError: (e) => errors.push(e.message) },
    );

    expect(final?.status).toBe("ready");
    expect(seen).toEqual(["pending", "ready"]);
    expect(errors).toEqual(["throttled"]);
    expect(isSettled(status("quarantined"))).toBe(true);
  });

  it("gives up after the timeout with the last answer", async () => {
    const final = await pollUntilSettled(
      async () => status("pending"),
      () => {},
      { intervalMs: 5, timeoutMs: 30 },
    );

    expect(final?.status).toBe("pending");
  });
});

describe("upload cards", () => {
  it("derives the image id the variants are named after", () => {
    expect(imageIdOfKey("uploads/2026/11/25/01J00000000000000000000000.jpg")).toBe(
      "2026/11/25/01J00000000000000000000000",
    );
  });

  it("backdates just past the grace period", () => {
    expect(agingHours(2)).toBe(3);
    expect(agingHours(undefined)).toBe(25);
  });

  it("shows an orphan from the lab's feed with its variants and the actions that change its fate", () => {
    const card = cardFromFeed({
      key: "uploads/2026/11/22/01J.gif",
      size: 7757,
      contentType: "image/gif",
      lastModified: "2026-11-22T10:00:00.000Z",
      url: "http://s3/b/uploads/2026/11/22/01J.gif",
      postId: null,
      attached: false,
      status: "done",
      variants: [
        {
          name: "thumb",
          format: "webp",
          width: 200,
          height: 154,
          bytes: 4743,
          key: "variants/x/thumb.webp",
          url: "http://s3/b/variants/x/thumb.webp",
        },
      ],
    });

    const out = renderCard(card, 2).value;

    expect(card.phase).toBe("ready");
    expect(out).toContain("webp · 200×154 · 4.63 KiB");
    expect(out).toContain('data-kind="orphan"');
    expect(out).toContain(">Attach to a post</button>");
    expect(out).toContain(">Make it 3 h old</button>");
  });

  it("shows a quarantined upload's reason and no broken preview", () => {
    const card = cardFromFeed({
      key: "uploads/2026/11/25/01K.jpg",
      size: 1024,
      lastModified: "2026-11-25T10:00:00.000Z",
      url: "http://s3/b/uploads/2026/11/25/01K.jpg",
      postId: 3,
      status: "quarantined",
      quarantine: { reason: "corrupt", detail: "Input buffer has corrupt header" },
    });

    const out = renderCard(card, 2).value;

    expect(out).toContain("<strong>Quarantined:</strong> corrupt: Input buffer has corrupt header");
    expect(out).not.toContain("<img");
    expect(out).toContain("attached to post #3");
  });
});

describe("invocation rows", () => {
  it("shows cold start, init duration, memory and outcome", () => {
    const out = renderRow({
      requestId: "r1",
      functionId: "transform",
      status: "timeout",
      cold: true,
      durationMs: 3000.4,
      initDurationMs: 512.345,
      maxMemoryUsedMb: 99,
      memorySizeMb: 1024,
      invocationType: "Event",
      source: "s3",
      attempt: 2,
      endedAt: Date.UTC(2026, 10, 25, 17, 3, 17),
    }).value;

    expect(out).toContain('data-kind="cold">cold<');
    expect(out).toContain("3000 ms");
    expect(out).toContain("512 ms");
    expect(out).toContain("99 / 1024 MB");
    expect(out).toContain(">Timed out<");
    expect(out).toContain("s3 (async) · retry 1");
  });

  it("shows no init duration for a warm start", () => {
    const out = renderRow({
      requestId: "r2",
      functionId: "upload",
      status: "success",
      cold: false,
      durationMs: 4.2,
      initDurationMs: 300,
    }).value;

    expect(out).toContain('data-label="init">–<');
  });
});

describe("batch runs", () => {
  it("asks orphan-cleanup for a dry run or a real one, and daily-stats for today in the stack's zone", () => {
    expect(runOptions("orphan-cleanup", { dryRun: true })).toEqual({ dryRun: true });
    expect(runOptions("orphan-cleanup", { dryRun: false })).toEqual({ dryRun: false });
    expect(runOptions("daily-stats", { timeZone: "UTC" })).toEqual({ date: todayIn("UTC") });
    expect(runOptions("daily-stats", {})).toEqual({});
  });

  it("computes today in a time zone, not the viewer's", () => {
    const instant = new Date("2026-11-25T23:30:00Z");

    expect(todayIn("Asia/Seoul", instant)).toBe("2026-11-26");
    expect(todayIn("America/New_York", instant)).toBe("2026-11-25");
  });

  it("titles a run by what it did", () => {
    const run = {
      functionId: "orphan-cleanup",
      trigger: "run-now" as const,
      requestId: "r",
      startedAt: "",
      status: "success",
      durationMs: 1,
      result: {},
    };

    expect(titleOf({ ...run, dryRun: true })).toBe("Orphan cleanup (dry run)");
    expect(titleOf({ ...run, dryRun: false })).toBe("Orphan cleanup (real run)");
    expect(titleOf({ ...run, functionId: "daily-stats" })).toBe("Daily stats");
  });
});
