import type { S3Client } from "@aws-sdk/client-s3";
import type pg from "pg";
import type { LabStack } from "../config.js";
import { LAB_ACCOUNT_ID } from "../config.js";
import { createCheckpointDemo } from "../lessons/checkpoint-demo.js";
import type { prepareRetries } from "../retries/lab-retries.js";
import { type LabFunction, type LambdaRuntime, startLambdaRuntime } from "../runtime/lambda-runtime.js";
import { checkpointDemoRoute } from "../server/checkpoint-demo-route.js";
import { invocationDetailRoute } from "../server/invocation-detail-route.js";
import { createLabServer, type LabServerDeps } from "../server/lab-server.js";
import { lessonRoutes } from "../server/lesson-routes.js";
import { networkRoute } from "../server/network-route.js";
import type { Route } from "../server/ports.js";
import { createApiGateway } from "../services/api-gateway.js";
import type { OnFailureQueue } from "../services/on-failure-queue.js";
import type { S3Port } from "../services/s3/port.js";
import type { SlackSink } from "../services/slack-sink.js";
import { createWebApp } from "../services/web-app.js";
import type { LabSecrets } from "./data-dir.js";
import type { DoorName, Handler } from "./front-doors.js";
import type { Recorder } from "./recorder.js";
import { samplePayload } from "./sample-events.js";

/**
 * What answers behind each front door: the lab's page and API (with the lesson and invocation-detail
 * routes), the upload function behind an API Gateway HTTP API, the web app and the Slack sink.
 */
export const doorHandlers = async (deps: {
  repoRoot: string;
  stack: LabStack;
  runtime: LambdaRuntime;
  pool: pg.Pool;
  s3Client: S3Client;
  slack: SlackSink;
  secrets: LabSecrets;
  labOrigins: readonly string[];
  recorder: Pick<Recorder, "all">;
  /** The functions as the runtime hosts them (retries, memory, environment). */
  functions: readonly LabFunction[];
  /** The async-retries lesson (its clock and demo function are already in the runtime). */
  retries: Pick<Awaited<ReturnType<typeof prepareRetries>>, "route">;
  onFailure: OnFailureQueue;
  artifactDir: (functionId: string) => string;
  /** The 15-minute lesson runs the lab's own orphan-cleanup over its own bucket on the same S3 and EFS. */
  checkpointDemo: {
    s3: Pick<S3Port, "endpoint" | "client" | "backdate">;
    databaseUrl: string;
    efsDir: string;
  };
  /** Route modules of other lessons (retries, network, trace…), tried before the lab's own routes. */
  routes: readonly Route[];
  server: Omit<LabServerDeps, "routes" | "samplePayload" | "functions" | "queries"> & {
    queries: Omit<LabServerDeps["queries"], "posts" | "slackMessages">;
  };
  emit: (type: string, data: unknown) => void;
}): Promise<Record<DoorName, Handler>> => {
  const { stack, runtime } = deps;
  const { issueUploadToken } = await import("@lambda-lab/upload/token");
  const webApp = createWebApp({
    pool: deps.pool,
    s3: deps.s3Client,
    bucket: stack.bucket,
    authMode: stack.config.upload.authMode,
    issueToken: async (subject, ttlSeconds) =>
      issueUploadToken(deps.secrets.uploadTokenSecret, { subject, ttlSeconds }),
    onChange: () => deps.emit("posts", {}),
  });
  const apiGateway = createApiGateway({
    runtime,
    functionId: "upload",
    corsAllowedOrigins: () => [...stack.config.upload.corsAllowedOrigins, ...deps.labOrigins],
    region: stack.region,
    accountId: LAB_ACCOUNT_ID,
  });
  const lessons = lessonRoutes({
    repoRoot: deps.repoRoot,
    runtime,
    samplePayload,
    database: deps.pool,
    slowQueryMs: stack.config.database.slowQueryMs,
    artifactDir: deps.artifactDir,
  });
  const lab = createLabServer({
    ...deps.server,
    functions: {
      functionIds: runtime.functionIds,
      has: (id) => runtime.has(id),
      functionName: (id) => stack.functionName(id),
      invoke: (id, payload, options) => runtime.invoke(id, payload, options),
      invokeAsync: (id, payload, options) => runtime.invokeAsync(id, payload, options),
      state: () => runtime.state(),
    },
    queries: {
      ...deps.server.queries,
      posts: () => webApp.listPosts(),
      slackMessages: () => deps.slack.messages(),
    },
    samplePayload,
    routes: [
      lessons,
      networkRoute({ config: stack.config }),
      checkpointDemoRoute(
        createCheckpointDemo({
          ...deps.checkpointDemo,
          stack,
          baseFunction: deps.functions.find((f) => f.id === "orphan-cleanup")!,
          startRuntime: startLambdaRuntime,
          onInvocation: (record) => deps.emit("invocation", record),
        }),
      ),
      invocationDetailRoute({ invocations: () => deps.recorder.all() }),
      deps.retries.route({
        ...{ runtime, onFailure: deps.onFailure, slack: deps.slack, emit: deps.emit },
        maxRetryAttempts: (id) => deps.functions.find((f) => f.id === id)?.maxRetryAttempts ?? 2,
        functionArn: (id) => stack.functionArn(id),
      }),
      ...deps.routes,
    ],
  });
  return { lab, uploadApi: apiGateway, webApp: webApp.handle, slack: deps.slack.handle };
};
