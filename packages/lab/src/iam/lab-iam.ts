import type { EventEmitter } from "node:events";
import { FUNCTION_IDS, LOCAL_CREDENTIALS, labAccessKeyId } from "../config.js";
import type { RuntimeEvents } from "../runtime/lambda-runtime.js";
import { createIamPreflight, type IamMode, type IamPreflight, type IamSnapshot } from "./preflight.js";
import { type ProgramIam, programIam } from "./program-iam.js";
import { type S3Proxy, startS3Proxy } from "./s3-proxy.js";

/**
 * The IAM preflight as the lab wires it: the S3 proxy in front of s3rver (the functions' S3_ENDPOINT),
 * each function signing with its own key, and the program's IAM documents for the lab's stack computed in
 * the background. With `off` there is no proxy: the functions talk to s3rver with its own key, as before.
 */
export interface LabIam {
  /** What the functions' S3_ENDPOINT is: the proxy, or s3rver itself when off. */
  s3Endpoint: string;
  /** Whether the functions sign with `LAB-<ID>` keys (config.ts `perFunctionCredentials`). */
  perFunctionCredentials: boolean;
  /** Follows invocations, so a call is tied to the invocation that made it. */
  track(events: EventEmitter<RuntimeEvents>): void;
  snapshot(): (IamSnapshot & { proxy: string }) | { mode: "off" };
  stop(): Promise<void>;
}

export const startLabIam = async (options: {
  mode: IamMode;
  stack: string;
  bucket: string;
  s3Endpoint: string;
  log(line: string): void;
  emit(type: string, data: unknown): void;
  /** Injected by tests; default: the mocked program run for `stack` (program-iam.ts). */
  iam?: Promise<ProgramIam>;
}): Promise<LabIam> => {
  if (options.mode === "off")
    return {
      s3Endpoint: options.s3Endpoint,
      perFunctionCredentials: false,
      track: () => {},
      snapshot: () => ({ mode: "off" }),
      stop: async () => {},
    };
  const keys = new Map<string, string>(FUNCTION_IDS.map((id) => [labAccessKeyId(id), id]));
  const iam = options.iam ?? programIam(options.stack);
  const preflight: IamPreflight = createIamPreflight({
    stack: options.stack,
    labBucket: options.bucket,
    mode: options.mode,
    iam,
    functionOfKey: (key) => keys.get(key),
    log: options.log,
    emit: options.emit,
  });
  const proxy: S3Proxy = await startS3Proxy({
    upstream: options.s3Endpoint,
    upstreamAccessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
    isLabKey: (key) => keys.has(key),
    preflight,
  });
  return {
    s3Endpoint: proxy.endpoint,
    perFunctionCredentials: true,
    track(events) {
      events.on("start", (info) => preflight.started(info.functionId, info.requestId));
      events.on("invocation", (record) => preflight.finished(record.functionId, record.requestId));
    },
    snapshot: () => ({ ...preflight.snapshot(), proxy: proxy.endpoint }),
    stop: () => proxy.stop(),
  };
};
