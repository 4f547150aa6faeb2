import { type Inventory, type InventoryResource, toInventory } from "../src/inventory.js";
import { inventoryOf } from "../src/program.js";

/** One mocked run per stack and file: the program takes a second or two each time. */
const cache = new Map<string, Promise<Inventory>>();
export const inventory = (stack: string): Promise<Inventory> => {
  let run = cache.get(stack);
  if (!run) {
    run = inventoryOf({ stack });
    cache.set(stack, run);
  }
  return run;
};

/** A hand-made inventory for rules that need no program run. */
export const fakeInventory = (
  resources: {
    type: string;
    name: string;
    inputs?: Record<string, unknown>;
    state?: Record<string, unknown>;
  }[],
  stack = "test",
): Inventory =>
  toInventory(
    stack,
    "eu-west-1",
    resources.map((r) => ({
      type: r.type,
      name: r.name,
      urn: `urn:pulumi:${stack}::lambda-lab::${r.type}::${r.name}`,
      inputs: r.inputs ?? {},
      state: { ...(r.inputs ?? {}), ...(r.state ?? {}) },
      parent: "",
    })),
  );

export const lineById = <L extends { id: string }>(lines: L[], id: string): L => {
  const found = lines.find((l) => l.id === id);
  if (!found) throw new Error(`no line ${id}; lines: ${lines.map((l) => l.id).join(", ")}`);
  return found;
};

export type { InventoryResource };
