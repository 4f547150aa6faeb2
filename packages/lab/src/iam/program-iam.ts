import { fork } from "node:child_process";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { IdentityPolicy, PolicyDocument } from "@lambda-lab/infra/iam";

/** The IAM documents the Pulumi program deploys for one stack: what the preflight evaluates against. */
export interface ProgramIam {
  stack: string;
  /** The mocked run's account and Region: its ARNs (principals, queues) are in them. */
  accountId: string;
  region: string;
  /** The bucket's ARN in the run; the lab's bucket is mapped onto it. */
  bucketArn: string;
  bucketPolicy: PolicyDocument | undefined;
  functions: Record<string, { principal: string; identityPolicies: IdentityPolicy[] }>;
  /** How long the mocked program run took in the child. */
  computedInMs: number;
}

const CHILD = fileURLToPath(new URL("./program-iam-child.ts", import.meta.url));
// tsx's loader, resolved from this package (the child runs the infra package's TypeScript as the lab does).
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/**
 * Runs the program for `stack` in a child process (see program-iam-child.ts). The child does not keep the
 * caller's process alive: a lab that stops (or a `pnpm lab invoke` that is done) exits without waiting.
 */
export const computeProgramIam = (stack: string, timeoutMs = 120_000): Promise<ProgramIam> =>
  new Promise((resolve, reject) => {
    const child = fork(CHILD, [stack], {
      execArgv: ["--import", TSX_LOADER],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    let stderr = "";
    let settled = false;
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    const timer = setTimeout(() => {
      child.kill();
      finish(new Error(`the mocked program run for stack ${stack} took over ${timeoutMs / 1000} s`));
    }, timeoutMs);
    // The background run must not keep the lab's process alive (the IPC channel would, unless unref'd);
    // the child exits when the channel closes (program-iam-child.ts).
    timer.unref();
    child.unref();
    child.channel?.unref();
    (child.stderr as Socket | null)?.unref();
    const finish = (error: Error | undefined, iam?: ProgramIam) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else if (iam) resolve(iam);
    };
    child.on("message", (message: { ok: true; iam: ProgramIam } | { ok: false; error: string }) =>
      message.ok ? finish(undefined, message.iam) : finish(new Error(message.error)),
    );
    child.on("error", (error) => finish(error));
    child.on("exit", (code) =>
      finish(
        new Error(
          `the mocked program run for stack ${stack} exited (${code}) without an answer: ${stderr.trim()}`,
        ),
      ),
    );
  });

const cache = new Map<string, Promise<ProgramIam>>();

/** The program's IAM documents for `stack`, computed once per lab process (a failure is retried next time). */
export const programIam = (stack: string): Promise<ProgramIam> => {
  let cached = cache.get(stack);
  if (!cached) {
    cached = computeProgramIam(stack);
    cache.set(stack, cached);
    cached.catch(() => cache.delete(stack));
  }
  return cached;
};
