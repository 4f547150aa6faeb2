import { describe, expect, it } from "vitest";
import { createCleanupStack } from "../../src/root/cleanup-stack.js";

describe("the root's cleanup stack", () => {
  it("undoes newest first, runs every undo once even when one fails, and reports the failure by name", async () => {
    const cleanups = createCleanupStack();
    const done: string[] = [];
    cleanups.push("s3", () => done.push("s3"));
    cleanups.push("runtime", async () => {
      done.push("runtime");
      throw new Error("worker did not exit");
    });
    cleanups.push("scheduler", () => done.push("scheduler"));
    const failures: string[] = [];

    await cleanups.unwind((name, error) => failures.push(`${name}: ${(error as Error).message}`));
    await cleanups.unwind();

    expect(done).toEqual(["scheduler", "runtime", "s3"]);
    expect(failures).toEqual(["runtime: worker did not exit"]);
  });
});
