import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** The lab-owned function the async-retries lesson fails on purpose (src/retries/fault-function/). */
export const RETRY_DEMO_ID = "retry-demo";

export const FAULTS = ["none", "error", "timeout"] as const;
export type Fault = (typeof FAULTS)[number];

export class FaultError extends Error {
  override name = "FaultError";
  readonly status = 400;
}

export const parseFault = (value: unknown): Fault => {
  if (FAULTS.includes(value as Fault)) return value as Fault;
  throw new FaultError(`fault must be one of ${FAULTS.join(", ")} (got ${JSON.stringify(value)})`);
};

/**
 * The demo function as the lab runs it: a 3 s timeout, so a timeout shows in seconds, and Lambda's default
 * MaximumRetryAttempts of 2 (none of the stack's functions is it, so the catalog has no entry for it).
 */
export const retryDemoFunction = (faultFile: string) => ({
  id: RETRY_DEMO_ID,
  codeDir: fileURLToPath(new URL("./fault-function/", import.meta.url)),
  memoryMb: 128,
  timeoutSeconds: 3,
  maxRetryAttempts: 2,
  environment: { FAULT_FILE: faultFile },
});

/**
 * The demo function's fault, kept in a file it reads on every invocation: "error" throws, "timeout" hangs
 * past the function's timeout, "none" is the fix. Outside the event on purpose, so a redrive of the
 * original event after the fix succeeds, as after a fixed deployment.
 */
export const createFaultSwitch = async (file: string, initial: Fault = "none") => {
  await mkdir(dirname(file), { recursive: true });
  let fault: Fault = initial;
  try {
    fault = parseFault((JSON.parse(await readFile(file, "utf8")) as { fault?: unknown }).fault);
  } catch {
    await writeFile(file, JSON.stringify({ fault }));
  }
  return {
    file,
    get: (): Fault => fault,
    async set(next: unknown): Promise<Fault> {
      fault = parseFault(next);
      await writeFile(file, JSON.stringify({ fault }));
      return fault;
    },
  };
};
export type FaultSwitch = Awaited<ReturnType<typeof createFaultSwitch>>;
