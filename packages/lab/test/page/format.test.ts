import { describe, expect, it } from "vitest";
import { formatBytes, formatMs, humanise, outcomeLabel, plural } from "../../page/lib/format.js";
import { html, trusted } from "../../page/lib/html.js";
import { renderFields } from "../../page/lib/report.js";

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1.00 KiB"],
    [15_360, "15.0 KiB"],
    [10 * 1024 * 1024, "10.0 MiB"],
    [-1, "?"],
  ])("%d → %s", (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});

describe("formatMs", () => {
  it.each([
    [4.372, "4.37 ms"],
    [66, "66 ms"],
    [123.6, "124 ms"],
    [12_345, "12.3 s"],
    [undefined, "–"],
  ])("%s → %s", (ms, expected) => {
    expect(formatMs(ms)).toBe(expected);
  });
});

describe("labels", () => {
  it("words outcomes for people", () => {
    expect(outcomeLabel("timeout")).toBe("Timed out");
    expect(outcomeLabel("throttled")).toBe("429 throttled");
    expect(outcomeLabel("something-new")).toBe("something-new");
  });

  it("pluralises", () => {
    expect(plural(1, "throttle")).toBe("1 throttle");
    expect(plural(1500, "entry", "entries")).toBe("1,500 entries");
  });

  it("humanises report keys", () => {
    expect(humanise("orphansDeleted")).toBe("Orphans deleted");
    expect(humanise("dry_run")).toBe("Dry run");
  });
});

describe("html", () => {
  it("escapes interpolated text but keeps nested markup", () => {
    const name = '<script>"x"</script>';

    expect(html`<p title="${name}">${html`<b>${name}</b>`}</p>`.value).toBe(
      '<p title="&lt;script&gt;&quot;x&quot;&lt;/script&gt;"><b>&lt;script&gt;&quot;x&quot;&lt;/script&gt;</b></p>',
    );
  });

  it("renders nothing for null, undefined and false, and joins arrays", () => {
    expect(html`${null}${undefined}${false}${[1, trusted("<i>2</i>")]}`.value).toBe("1<i>2</i>");
  });
});

describe("reports", () => {
  it("renders every field of a report with readable labels", () => {
    const out = renderFields({
      dryRun: true,
      candidates: 3,
      deletedKeys: ["uploads/a.jpg"],
      window: { start: "2026-11-24T00:00:00Z" },
    }).value;

    expect(out).toContain("<dt>Dry run</dt><dd>yes</dd>");
    expect(out).toContain("<dt>Candidates</dt><dd>3</dd>");
    expect(out).toContain("<li><code>uploads/a.jpg</code></li>");
    expect(out).toContain('<time datetime="2026-11-24T00:00:00Z">2026-11-24 00:00:00Z</time>');
  });

  it("shows `…Ms` numbers as durations and `…bytes…` numbers as sizes, nested ones too", () => {
    expect(renderFields({ durationMs: 1234.5 }).value).toBe("<dl><dt>Duration</dt><dd>1235 ms</dd></dl>");
    expect(renderFields({ bytesByType: { "image/jpeg": 139_435 } }).value).toBe(
      '<dl><dt>Bytes by type</dt><dd><dl><dt>image/jpeg</dt><dd>136 KiB <span class="muted">(139,435 B)</span></dd></dl></dd></dl>',
    );
  });

  it("keeps values that are not paths out of code type", () => {
    expect(renderFields({ timeZone: "Europe/Berlin" }).value).toBe(
      "<dl><dt>Time zone</dt><dd>Europe/Berlin</dd></dl>",
    );
  });

  it("cuts long lists and says how many are left", () => {
    const out = renderFields({ keys: Array.from({ length: 15 }, (_, i) => `k${i}`) }).value;

    expect(out).toContain("…and 3 more");
    expect(out).not.toContain("k12");
  });
});
