/**
 * Runs the Pulumi program for one stack against the infra package's mocks and sends back, over IPC, the IAM
 * documents it would deploy for each function. A child process of its own: the Pulumi SDK keeps global
 * state (`setMocks`) and costs about 2 s to load, neither of which belongs in the lab's process.
 */
import type { ProgramPolicies } from "@lambda-lab/infra/iam";
import type { ProgramIam } from "./program-iam.js";

// The lab stopped (or exited) before the answer: nobody is waiting for it. Registered before the heavy
// imports below, which take seconds.
// (Node reads the IPC channel, and so notices it closing, only while a message listener is attached.)
process.on("disconnect", () => process.exit(0));
process.on("message", () => {});

const stack = process.argv[2];
const send = (message: { ok: true; iam: ProgramIam } | { ok: false; error: string }) =>
  new Promise<void>((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, () => resolve());
  });

try {
  if (!stack) throw new Error("usage: program-iam-child <stack>");
  const started = performance.now();
  const { programPolicies } = await import("@lambda-lab/infra/iam");
  const { FUNCTION_IDS } = await import("@lambda-lab/infra/stack-config");
  const { ACCOUNT_ID, REGION, runProgram } = await import("@lambda-lab/infra/testing");
  const run = await runProgram(stack);
  // No function role attaches an AWS managed policy (packages/infra/README.md, "IAM"); one that does is
  // reported by name rather than evaluated without its document.
  const policies: ProgramPolicies = programPolicies(run, {
    accountId: ACCOUNT_ID,
    managedPolicy: () => undefined,
  });
  const iam: ProgramIam = {
    stack,
    accountId: ACCOUNT_ID,
    region: REGION,
    bucketArn: policies.bucketArn,
    bucketPolicy: policies.resourcePolicyOf(policies.bucketArn),
    functions: Object.fromEntries(
      FUNCTION_IDS.map((id) => [
        id,
        { principal: policies.principalOf(id), identityPolicies: policies.identityOf(id) },
      ]),
    ),
    computedInMs: Math.round(performance.now() - started),
  };
  await send({ ok: true, iam });
} catch (error) {
  await send({ ok: false, error: (error as Error).stack ?? String(error) });
}
process.exit(0);
