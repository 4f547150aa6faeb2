import type { LabStack } from "../config.js";
import type { HotReload } from "../hot-reload.js";
import type { LabIam } from "../iam/lab-iam.js";
import type { LabFunction, LambdaRuntime } from "../runtime/lambda-runtime.js";
import type { SlackSink } from "../services/slack-sink.js";
import type { ArtifactPlan } from "./artifact-plan.js";
import { redactSecrets } from "./data-dir.js";
import type { TriggerWiring } from "./trigger-wiring.js";
import type { LabUrls } from "./types.js";

/**
 * GET /api/state: everything the page draws on load, from the server (so a reload loses nothing):
 * the stack's settings, each function's state and environment (secret values redacted), schedules,
 * alarms, the IAM preflight, throttles and reloads.
 */
export const stateSnapshot =
  (deps: {
    stack: LabStack;
    plan: Pick<ArtifactPlan, "arch" | "labRuntime">;
    urls: LabUrls;
    functions: readonly LabFunction[];
    runtime: Pick<LambdaRuntime, "state">;
    triggers: TriggerWiring;
    slack: Pick<SlackSink, "messages">;
    iam: Pick<LabIam, "snapshot">;
    throttles: () => unknown;
    hotReload: Pick<HotReload, "reloads"> | undefined;
    inspector: { functionId: string; port: number } | undefined;
    demo: unknown;
  }) =>
  async (): Promise<unknown> => {
    const { stack } = deps;
    const { config } = stack;
    return {
      stack: config.stack,
      region: stack.region,
      bucket: stack.bucket,
      architecture: { stack: config.architecture, running: deps.plan.arch },
      lambdaRuntime: deps.plan.labRuntime,
      reloads: deps.hotReload?.reloads().slice(-50) ?? [],
      inspector: deps.inspector,
      timeZone: config.timeZone,
      uploadAuthMode: config.upload.authMode,
      gracePeriodHours: config.orphanCleanup.gracePeriodHours,
      urls: deps.urls,
      config: {
        upload: { ...config.upload, authToken: undefined, allowedContentTypes: stack.uploadContentTypes },
        orphanCleanup: config.orphanCleanup,
        dailyStats: config.dailyStats,
        slowQueryMs: config.database.slowQueryMs,
        concurrency: config.concurrency,
      },
      functions: deps.runtime.state().map((f) => ({
        ...f,
        environment: redactSecrets(deps.functions.find((fn) => fn.id === f.id)?.environment ?? {}),
      })),
      schedules: deps.triggers.scheduler?.entries() ?? [],
      alarms: deps.triggers.alarms.status(),
      /** The alarms' evaluation period in effect (the program's 300 s unless the lab was started shorter). */
      alarmPeriodSeconds: deps.triggers.alarms.periodSeconds,
      onFailure: deps.triggers.onFailure.records().length,
      slackMessages: deps.slack.messages().length,
      demo: deps.demo,
      iam: deps.iam.snapshot(),
      throttles: deps.throttles(),
    };
  };
