import { describe, expect, it } from "vitest";
import { initParts, renderInitSplit } from "../../page/lib/init-split.js";

describe("the init split on the page", () => {
  it("names the three parts, each with its figure and its share of the whole", () => {
    const out = renderInitSplit({ runtimeMs: 150, importMs: 250, loadMs: 50, evaluateMs: 200 }, 400).value;
    expect([...out.matchAll(/<li data-part="(\w+)"/g)].map((m) => m[1])).toEqual([
      "runtime",
      "load",
      "evaluate",
    ]);
    expect(out).toMatch(/runtime start<\/strong> 150 ms <span class="hint">\(38%/);
    expect(out).toMatch(/bundle load<\/strong> 50 ms <span class="hint">\(13%/);
    expect(out).toMatch(/module initialisation<\/strong> 200 ms <span class="hint">\(50%/);
    // The bar's segments grow with their part.
    expect(out).toContain('style="flex:150.000 0 0;');
    expect(out).toContain('style="flex:200.000 0 0;');
  });

  it("keeps the import whole when the worker could not split it, and says why", () => {
    const parts = initParts({ runtimeMs: 150, importMs: 250 });
    expect(parts.map((p) => p.label)).toEqual(["runtime start", "import() of the bundle"]);
    expect(parts[1]?.hint).toMatch(/cannot be told apart/);
  });

  it("shows nothing for a warm start", () => {
    expect(renderInitSplit(null, null).value).toBe("");
    expect(renderInitSplit(undefined, 300).value).toBe("");
  });
});
