import * as z from "zod/mini";

const count = z.int().check(z.nonnegative());

/** What the walk has seen, as of a position in uploads/ (so a resumed run counts every key exactly once). */
export const WalkCounters = z.object({
  scanned: count,
  referenced: count,
  tooYoung: count,
  /** Under uploads/ but not in the upload function's layout: never deleted. */
  unmanaged: count,
  /** Unreferenced, old enough and managed: deleted, or in a dry run what would be. */
  orphans: count,
  /** Variants, manifests and quarantine markers found for those orphans. */
  derivedFound: count,
});
export type WalkCounters = z.infer<typeof WalkCounters>;

/** What S3 confirmed, whenever it happened: never rolled back with the position. */
export const DeleteCounters = z.object({
  deleted: count,
  derivedDeleted: count,
  /** Per-key failures S3 reported (originals and derived objects). */
  deleteErrors: count,
  /** Originals left in place because they or one of their derived objects failed to delete. */
  keptAfterError: count,
  /** Originals the web app referenced after the walk judged them orphans: re-checked, and kept. */
  keptReferenced: z._default(count, 0),
});
export type DeleteCounters = z.infer<typeof DeleteCounters>;

export const StopReason = z.enum(["time", "max-deletes", "restarted"]);
export type StopReason = z.infer<typeof StopReason>;

export const ErrorSample = z.object({ key: z.string(), code: z.string(), message: z.string() });
export type ErrorSample = z.infer<typeof ErrorSample>;

/** Samples in the report are capped so the state file and the report stay small however big the run. */
export const SAMPLE_LIMIT = 20;

/**
 * A run, as checkpointed on EFS between invocations (`run.json`, or `run.dry-run.json` for dry runs so a dry
 * run never disturbs a real one in progress). Validated on read: a damaged file stops the function.
 */
export const RunState = z.object({
  version: z.literal(1),
  runId: z.string().check(z.minLength(1)),
  dryRun: z.boolean(),
  status: z.enum(["running", "completed", "stopped", "failed"]),
  stopReason: z.optional(StopReason),
  failure: z.optional(z.object({ stage: z.string(), message: z.string() })),
  startedAt: z.iso.datetime(),
  finishedAt: z.optional(z.iso.datetime()),
  /** Fixed at the start so every invocation of the run judges age against the same instant. */
  cutoff: z.iso.datetime(),
  gracePeriodHours: z.number().check(z.nonnegative()),
  maxDeletes: z.int().check(z.positive()),
  /** Every key under uploads/ up to and including this one is settled. */
  lastKey: z.optional(z.string()),
  walk: WalkCounters,
  deletes: DeleteCounters,
  pages: count,
  invocations: count,
  activeMs: count,
  deletedSample: z.array(z.string()),
  errorSample: z.array(ErrorSample),
  /** False until the final state is in cleanup_runs; the next invocation retries the write first. */
  ledgerSynced: z.boolean(),
});
export type RunState = z.infer<typeof RunState>;

export const emptyWalkCounters = (): WalkCounters => ({
  scanned: 0,
  referenced: 0,
  tooYoung: 0,
  unmanaged: 0,
  orphans: 0,
  derivedFound: 0,
});

export const emptyDeleteCounters = (): DeleteCounters => ({
  deleted: 0,
  derivedDeleted: 0,
  deleteErrors: 0,
  keptAfterError: 0,
  keptReferenced: 0,
});
