import { describe, expect, it } from "vitest";
import { batchFigures } from "../../page/lib/batch-figures.js";

const cleanup = {
  scanned: 5,
  referenced: 2,
  tooYoung: 1,
  orphans: 2,
  deleted: 0,
  derivedFound: 6,
  derivedDeleted: 0,
  unmanaged: 0,
  errors: 0,
  gracePeriodHours: 24,
};

describe("batch report figures", () => {
  it("says 'would delete' in a dry run and shows no 'Deleted' figure", () => {
    const figures = batchFigures("orphan-cleanup", { ...cleanup, dryRun: true });

    const labels = figures.map((f) => f.label);
    expect(labels).toContain("Would delete");
    expect(labels).not.toContain("Deleted");
    expect(figures.find((f) => f.label === "Would delete")).toMatchObject({ value: 2 });
    expect(figures.find((f) => f.label === "Would delete")?.meaning).toMatch(/nothing was deleted/);
  });

  it("says 'deleted' in a real run, with what each figure means", () => {
    const figures = batchFigures("orphan-cleanup", {
      ...cleanup,
      dryRun: false,
      deleted: 2,
      derivedDeleted: 6,
    });

    expect(figures.find((f) => f.label === "Deleted")).toMatchObject({ value: 2 });
    expect(figures.map((f) => f.label)).not.toContain("Would delete");
    for (const f of figures) expect(f.meaning.length).toBeGreaterThan(10);
    expect(figures.find((f) => f.label === "Too young")?.meaning).toContain("24 h");
  });

  it("explains a daily-stats report's day and counts", () => {
    const figures = batchFigures("daily-stats", {
      day: "2026-01-09",
      timeZone: "Europe/Berlin",
      uploads: 3,
      variants: 12,
      quarantined: 1,
      orphansDeleted: 0,
    });

    expect(figures[0]).toMatchObject({ label: "Day", value: "2026-01-09" });
    expect(figures[0]?.meaning).toContain("Europe/Berlin");
  });

  it("has nothing to add to an error or an unknown function's result", () => {
    expect(batchFigures("orphan-cleanup", "boom")).toEqual([]);
    expect(batchFigures("upload", { scanned: 1 })).toEqual([]);
  });
});
