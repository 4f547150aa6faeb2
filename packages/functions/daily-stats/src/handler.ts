import type { Logger } from "@lambda-lab/shared";
import type { Context } from "aws-lambda";
import { dayWindow } from "./calendar.js";
import { computeDailyStats, type DailyStatsDeps, type DailyStatsResult } from "./daily-stats.js";
import type { DailyStatsEnv } from "./env.js";
import { resolveStatsRequest } from "./event.js";

export interface HandlerDeps extends DailyStatsDeps {
  logger: Pick<Logger, "info" | "warn" | "addContext">;
}

/**
 * The Lambda handler: the EventBridge Scheduler input (`{}`, a Scheduled Event, or `{ "date": … }`) names
 * the day; the response is that day's statistics and the report key. Bad input throws DailyStatsEventError
 * before any I/O.
 */
export const makeHandler =
  (deps: HandlerDeps, env: Pick<DailyStatsEnv, "TIME_ZONE">) =>
  async (event: unknown, context?: Context): Promise<DailyStatsResult> => {
    if (context) deps.logger.addContext(context);
    const request = resolveStatsRequest(event, env.TIME_ZONE, deps.now());
    const window = dayWindow(request.day, env.TIME_ZONE);
    deps.logger.info("computing daily statistics", {
      day: window.day,
      reason: request.reason,
      ...(request.scheduler ? { scheduler: request.scheduler } : {}),
      timeZone: window.timeZone,
      start: window.start.toISOString(),
      end: window.end.toISOString(),
    });
    return computeDailyStats(window, deps);
  };
