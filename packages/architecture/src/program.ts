/**
 * Runs the Pulumi program for one stack against infra's mocks (`@lambda-lab/infra/testing`) and returns
 * its inventory. The only module here that loads the Pulumi SDK; it is imported lazily so the pure modules
 * (prices, invocation cost) stay light for the lab.
 */
import { type Inventory, toInventory } from "./inventory.js";

export interface ProgramInput {
  stack: string;
  /** `lambda-lab:` keys to change, as in infra's harness (`{ "lambda-lab:natStrategy": "single" }`). */
  overrides?: Record<string, unknown>;
}

/** The stack file's aws:region; the harness itself always plans in eu-west-1 with fixed mock ARNs. */
const stackRegion = (raw: Record<string, unknown>, stack: string): string => {
  const region = raw["aws:region"];
  if (typeof region !== "string" || region.length === 0)
    throw new Error(`stack "${stack}": stacks/Pulumi.${stack}.yaml sets no aws:region`);
  return region;
};

/** Pulumi's mocks are process-wide: two runs at once would record into each other. One at a time. */
let queue: Promise<unknown> = Promise.resolve();

export const inventoryOf = ({ stack, overrides = {} }: ProgramInput): Promise<Inventory> => {
  const run = queue.then(async () => {
    const harness = await import("@lambda-lab/infra/testing");
    const region = stackRegion(harness.rawStackConfig(stack), stack);
    const recorded = await harness.runProgram(stack, overrides);
    return toInventory(stack, region, recorded.created);
  });
  queue = run.catch(() => undefined);
  return run;
};
