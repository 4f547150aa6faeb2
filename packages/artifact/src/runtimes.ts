/**
 * Lambda's managed Node.js runtimes and what each means for the builder: the esbuild target (syntax the
 * runtime parses natively) and the Node.js major of the binary the verifier probe and the local lab run.
 * The table itself is the catalog's (one place for the stack schema, this builder and the policy pack).
 */
import { DEFAULT_NODE_RUNTIME, NODE_RUNTIMES, type NodeRuntime } from "@lambda-lab/catalog/runtimes";

export { DEFAULT_NODE_RUNTIME, NODE_RUNTIMES, type NodeRuntime };

export const isNodeRuntime = (value: string): value is NodeRuntime => Object.hasOwn(NODE_RUNTIMES, value);

/** Parses a runtime name; the error names the value, where it came from and the accepted names. */
export const parseNodeRuntime = (value: string, source: string): NodeRuntime => {
  if (isNodeRuntime(value)) return value;
  throw new Error(
    `${source}: unknown Lambda runtime ${JSON.stringify(value)}; use ${Object.keys(NODE_RUNTIMES).join(" or ")}`,
  );
};

/**
 * One artifact serves every stack, so it must parse on the oldest runtime any of them deploys: that
 * runtime's major is the bundle's esbuild target.
 */
export const oldestRuntime = (runtimes: readonly NodeRuntime[]): NodeRuntime => {
  if (runtimes.length === 0) throw new Error("no Lambda runtime given");
  return [...runtimes].sort((a, b) => NODE_RUNTIMES[a].major - NODE_RUNTIMES[b].major)[0] as NodeRuntime;
};
