// The lab's own failing function for the async-retries lesson (not one of the stack's five, never deployed).
// What it does is set outside the event, in FAULT_FILE, as a bug in deployed code or a dependency that
// hangs would be: so the original event, redriven after the fix, succeeds. Read on every invocation.
import { readFileSync } from "node:fs";

const faultNow = () => {
  try {
    return JSON.parse(readFileSync(process.env.FAULT_FILE ?? "", "utf8")).fault ?? "none";
  } catch {
    return "none";
  }
};

export const handler = async (event, context) => {
  const fault = faultNow();
  console.log(`retry-demo: fault is "${fault}"; event ${JSON.stringify(event)}`);
  if (fault === "error") throw new Error(`retry-demo failed on purpose (the lab's fault switch is "error")`);
  if (fault === "timeout") {
    // A dependency that never answers: the function outlives its timeout and Lambda stops it.
    await new Promise((resolve) => setTimeout(resolve, context.getRemainingTimeInMillis() + 5_000));
  }
  return { ok: true, handled: event };
};
