/**
 * What to undo, newest first: every step of the lab's start registers how to stop what it started, so a
 * failed start leaves no process or port behind and `stop()` undoes the same steps in reverse order (the
 * runtime stops before the database pool it uses ends, the IAM proxy before the S3 behind it).
 */
export interface CleanupStack {
  push(name: string, undo: () => Promise<unknown> | unknown): void;
  /** Runs every undo once, newest first; a failing one is reported and the rest still run. */
  unwind(onError?: (name: string, error: unknown) => void): Promise<void>;
}

export const createCleanupStack = (): CleanupStack => {
  const steps: { name: string; undo: () => Promise<unknown> | unknown }[] = [];
  return {
    push: (name, undo) => void steps.push({ name, undo }),
    unwind: async (onError) => {
      while (steps.length > 0) {
        const step = steps.pop()!;
        try {
          await step.undo();
        } catch (error) {
          onError?.(step.name, error);
        }
      }
    },
  };
};
