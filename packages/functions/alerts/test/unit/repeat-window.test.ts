import { describe, expect, it } from "vitest";
import { createRepeatWindow } from "../../src/repeat-window.js";

describe("createRepeatWindow", () => {
  it("reports a statement once per window and counts the repeats", () => {
    const window = createRepeatWindow(300_000);
    expect(window.lookup("q", 0)).toEqual({ status: "new", earlierRepeats: 0 });
    window.markReported("q", 0);

    expect(window.lookup("q", 299_999)).toEqual({ status: "repeat", reportedAt: 0 });
    window.countRepeats("q", 3);
    window.countRepeats("q", 2);

    expect(window.lookup("q", 300_000)).toEqual({ status: "new", earlierRepeats: 5 });
  });

  it("changes nothing on lookup, so an unsent report is looked up as new again", () => {
    const window = createRepeatWindow(300_000);
    window.lookup("q", 0);

    expect(window.lookup("q", 1)).toEqual({ status: "new", earlierRepeats: 0 });
  });

  it("resets the count once reported again", () => {
    const window = createRepeatWindow(1_000);
    window.markReported("q", 0);
    window.countRepeats("q", 4);
    window.markReported("q", 2_000);

    expect(window.lookup("q", 3_500)).toEqual({ status: "new", earlierRepeats: 0 });
  });

  it("never suppresses when the window is 0", () => {
    const window = createRepeatWindow(0);
    window.markReported("q", 0);

    expect(window.lookup("q", 0)).toEqual({ status: "new", earlierRepeats: 0 });
  });

  it("forgets the oldest report beyond its capacity", () => {
    const window = createRepeatWindow(60_000, 2);
    window.markReported("a", 0);
    window.markReported("b", 1);
    window.markReported("c", 2);

    expect(window.lookup("a", 3).status).toBe("new");
    expect(window.lookup("c", 3).status).toBe("repeat");
  });
});
