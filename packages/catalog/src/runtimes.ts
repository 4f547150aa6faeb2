/**
 * Lambda's managed Node.js runtimes this project may deploy (the stack key `lambdaRuntime`), stated once: the
 * stack schema, the artifact builder (esbuild target, the Node.js binary of the verifier probe and the local
 * lab) and the policy pack read this. nodejs22.x leaves Lambda's support window in 2027; nodejs24.x is the
 * newest @pulumi/aws 7.48 knows (aws.lambda.Runtime.NodeJS24dX).
 */
export const NODE_RUNTIMES = {
  "nodejs22.x": { major: 22, esbuildTarget: "node22" },
  "nodejs24.x": { major: 24, esbuildTarget: "node24" },
} as const;
export type NodeRuntime = keyof typeof NODE_RUNTIMES;
export const NODE_RUNTIME_NAMES = Object.keys(NODE_RUNTIMES) as NodeRuntime[];

/** The stack default. */
export const DEFAULT_NODE_RUNTIME: NodeRuntime = "nodejs24.x";
