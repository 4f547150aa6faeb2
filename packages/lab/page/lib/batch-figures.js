// @ts-check
/**
 * The headline figures of a batch report, each with what it means, worded for the run it came from: a dry
 * run "would delete", a real run "deleted". The report's every field stays available below them; these are
 * the ones a learner reads first. Pure (no DOM), so the wording is unit-tested.
 *
 * @typedef {{ label: string; value: number | string; meaning: string }} Figure
 */

/** @param {unknown} v */
const num = (v) => (typeof v === "number" ? v : 0);

/** @param {Record<string, unknown>} r @returns {Figure[]} */
const cleanupFigures = (r) => {
  const dry = r.dryRun === true;
  const grace = typeof r.gracePeriodHours === "number" ? `${r.gracePeriodHours} h` : "the grace period";
  /** @type {Figure[]} */
  const figures = [
    { label: "Scanned", value: num(r.scanned), meaning: "originals under uploads/ the run listed" },
    { label: "Attached", value: num(r.referenced), meaning: "a post refers to them: always kept" },
    {
      label: "Too young",
      value: num(r.tooYoung),
      meaning: `not attached, but newer than ${grace}: kept for now`,
    },
    {
      label: dry ? "Would delete" : "Orphans",
      value: num(r.orphans),
      meaning: dry
        ? `not attached and older than ${grace}: a real run deletes these (nothing was deleted)`
        : `not attached and older than ${grace}`,
    },
  ];
  if (!dry)
    figures.push(
      {
        label: "Deleted",
        value: num(r.deleted),
        meaning: "originals deleted (versioning keeps them restorable)",
      },
      {
        label: "Derived deleted",
        value: num(r.derivedDeleted),
        meaning: "their variants and quarantine markers",
      },
    );
  else
    figures.push({
      label: "Derived found",
      value: num(r.derivedFound),
      meaning: "variants and markers a real run would delete with them",
    });
  if (num(r.unmanaged) > 0)
    figures.push({
      label: "Unmanaged",
      value: num(r.unmanaged),
      meaning: "keys not named like an upload: never touched",
    });
  if (num(r.errors) > 0)
    figures.push({
      label: "Errors",
      value: num(r.errors),
      meaning: "deletes that failed; the object is kept",
    });
  return figures;
};

/** @param {Record<string, unknown>} r @returns {Figure[]} */
const dailyFigures = (r) => [
  {
    label: "Day",
    value: String(r.day ?? "?"),
    meaning: `the calendar day computed, in ${r.timeZone ?? "the stack's time zone"}`,
  },
  { label: "Uploads", value: num(r.uploads), meaning: "originals uploaded that day" },
  { label: "Variants", value: num(r.variants), meaning: "web variants transform wrote for them" },
  {
    label: "Quarantined",
    value: num(r.quarantined),
    meaning: "uploads transform refused (not an image, too large…)",
  },
  {
    label: "Orphans deleted",
    value: num(r.orphansDeleted),
    meaning: "by real cleanup runs that finished that day",
  },
];

/**
 * @param {string} functionId @param {unknown} result
 * @returns {Figure[]} empty when the report is not one of these (an error, a string)
 */
export const batchFigures = (functionId, result) => {
  if (typeof result !== "object" || result === null || Array.isArray(result)) return [];
  const r = /** @type {Record<string, unknown>} */ (result);
  if (functionId === "orphan-cleanup" && "scanned" in r) return cleanupFigures(r);
  if (functionId === "daily-stats" && "day" in r) return dailyFigures(r);
  return [];
};
