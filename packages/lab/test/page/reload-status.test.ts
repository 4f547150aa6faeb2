import { describe, expect, it } from "vitest";
import { renderConcurrencyChart } from "../../page/lib/chart.js";
import { createLabState, recordDebugger, recordReload, setFunctions } from "../../page/lib/state.js";
import { renderFunctionStatus } from "../../page/panels/invocations.js";

const T0 = 1_000_000;
const labWithUpload = () => {
  const state = createLabState({ historyMs: 60_000 });
  setFunctions(
    state,
    [
      {
        id: "upload",
        name: "lambda-lab-dev-upload",
        reservedConcurrency: 10,
        runtime: "nodejs24.x",
        nodeVersion: "v24.22.3",
        inspectorPort: 9229,
      },
    ],
    T0,
  );
  return state;
};

describe("hot reloads on a function's chart", () => {
  it("marks each reload where it happened, a failed one apart, and names them for screen readers", () => {
    const state = labWithUpload();
    recordReload(state, "upload", { t: T0 + 10_000, ok: true });
    recordReload(state, "upload", { t: T0 + 20_000, ok: false, error: "bundle failed" });
    const svg = renderConcurrencyChart(state.functions.get("upload")!, {
      now: T0 + 30_000,
      windowMs: 30_000,
    }).value;
    expect(svg.match(/class="chart-reload" data-ok="true"/g)).toHaveLength(1);
    expect(svg.match(/class="chart-reload" data-ok="false"/g)).toHaveLength(1);
    expect(svg).toContain("code reloaded 2 times");
  });

  it("forgets reloads older than the history window", () => {
    const state = labWithUpload();
    recordReload(state, "upload", { t: T0, ok: true });
    recordReload(state, "upload", { t: T0 + 120_000, ok: true });
    expect(state.functions.get("upload")?.reloads.map((r) => r.t)).toEqual([T0 + 120_000]);
  });
});

describe("a function's status line", () => {
  it("shows the runtime, the inspector and, while a breakpoint holds it, paused in debugger", () => {
    const state = labWithUpload();
    const fn = state.functions.get("upload")!;
    expect(renderFunctionStatus(fn).value).toContain(">nodejs24.x<");
    expect(renderFunctionStatus(fn).value).toContain("Node.js v24.22.3");
    expect(renderFunctionStatus(fn).value).toContain("inspect :9229");
    expect(renderFunctionStatus(fn).value).not.toContain("paused in debugger");
    recordDebugger(state, "upload", true);
    expect(renderFunctionStatus(fn).value).toContain(">paused in debugger<");
    recordDebugger(state, "upload", false);
    expect(renderFunctionStatus(fn).value).not.toContain("paused in debugger");
  });

  it("says the old code serves on after a failed reload, with the error (escaped) on hover", () => {
    const state = labWithUpload();
    recordReload(state, "upload", { t: T0, ok: false, error: 'src/handler.ts:3:1: ERROR: Expected "<"' });
    const out = renderFunctionStatus(state.functions.get("upload")!).value;
    expect(out).toContain("reload failed: old code serving");
    expect(out).toContain("Expected &quot;&lt;&quot;");
    recordReload(state, "upload", { t: T0 + 1, ok: true });
    expect(renderFunctionStatus(state.functions.get("upload")!).value).not.toContain("reload failed");
  });
});
