/**
 * Each scheduled function's Scheduler input, built by the function itself (`@lambda-lab/<id>/events`):
 * the program configures exactly what the function's parser accepts, and the contract test parses it.
 * Keyed by the catalog's scheduled ids, so a scheduled function without its input does not compile.
 */
import type { ScheduledFunctionId } from "@lambda-lab/catalog";
import { scheduleInput as dailyStats } from "@lambda-lab/daily-stats/events";
import { scheduleInput as orphanCleanup } from "@lambda-lab/orphan-cleanup/events";

export const SCHEDULE_INPUTS = {
  "orphan-cleanup": orphanCleanup,
  "daily-stats": dailyStats,
} satisfies Record<ScheduledFunctionId, () => string>;
