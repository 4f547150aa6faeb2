import { performance } from "node:perf_hooks";
import { type Diagnosis, diagnose, type Where } from "./causes.js";

export type StepStatus = "pass" | "fail" | "skip";

/** One row of the table. */
export interface StepResult {
  name: string;
  status: StepStatus;
  durationMs: number;
  /** What passed, or why it was skipped, or what failed. */
  detail: string;
  /** The resource the step was about (function, bucket/key, URL…). */
  resource?: string;
  /** On failure: the likely cause. */
  cause?: string;
}

export interface Passed<T> {
  value: T;
  detail: string;
}

/**
 * Runs steps one after another, timing each, turning a thrown error into a failed row with a diagnosis.
 * A step whose input an earlier step failed to produce is recorded as skipped, so the table always has
 * every row.
 */
export const createRun = (options: { clock?: () => number; onStep?: (result: StepResult) => void } = {}) => {
  const clock = options.clock ?? (() => performance.now());
  const results: StepResult[] = [];
  const push = (result: StepResult) => {
    results.push(result);
    options.onStep?.(result);
  };
  return {
    results,
    async step<T>(name: string, where: Where, fn: () => Promise<Passed<T>>): Promise<T | undefined> {
      const started = clock();
      try {
        const { value, detail } = await fn();
        push({ name, status: "pass", durationMs: clock() - started, detail, resource: where.resource });
        return value;
      } catch (error) {
        const diagnosis: Diagnosis = diagnose(error, where);
        const resource = (error as { resource?: string }).resource ?? where.resource;
        push({
          name,
          status: "fail",
          durationMs: clock() - started,
          detail: diagnosis.problem,
          resource,
          cause: diagnosis.cause,
        });
        return undefined;
      }
    },
    skip(name: string, reason: string, resource?: string) {
      push({ name, status: "skip", durationMs: 0, detail: reason, ...(resource ? { resource } : {}) });
    },
  };
};

/** The run failed if any step failed; skipped steps alone (e.g. no token needed) do not fail it. */
export const failed = (results: readonly StepResult[]): boolean => results.some((r) => r.status === "fail");
