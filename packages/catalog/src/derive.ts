/**
 * What follows from the catalog, computed rather than restated: ids, the async functions, each trigger kind's
 * functions, and the types that let the program and the stack schema be checked against the entries.
 */
import { FUNCTIONS } from "./functions.js";
import { ASYNC_TRIGGER_KINDS, type FunctionNeeds, type Trigger, type TriggerKind } from "./spec.js";

type Catalog = typeof FUNCTIONS;
/** Every deployable in the catalog: the stack's functions and the deploy-time migration runner. */
export type CatalogId = keyof Catalog;
/** The stack's functions (memory, timeout and reservation are stack keys). */
export type FunctionId = { [K in CatalogId]: Catalog[K]["kind"] extends "function" ? K : never }[CatalogId];
/** What the program runs itself on `pulumi up`: the migration runner. */
export type DeployStepId = Exclude<CatalogId, FunctionId>;

type KindsOf<K extends CatalogId> = Catalog[K]["triggers"][number]["kind"];
/** The catalog ids with a trigger of `Kind`, as a type: a program table keyed by it misses none. */
export type IdsWithTrigger<Kind extends TriggerKind> = {
  [K in CatalogId]: Kind extends KindsOf<K> ? K : never;
}[CatalogId];
export type ScheduledFunctionId = IdsWithTrigger<"schedule">;
export type HttpFunctionId = IdsWithTrigger<"http">;

/** `orphan-cleanup` → `orphanCleanup`: the stack keys' spelling. */
export type CamelId<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelId<Tail>>}`
  : S;
export const camelId = <S extends string>(id: S): CamelId<S> =>
  id.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as CamelId<S>;

export const CATALOG_IDS = Object.keys(FUNCTIONS) as CatalogId[];
export const FUNCTION_IDS = CATALOG_IDS.filter((id): id is FunctionId => FUNCTIONS[id].kind === "function");
export const DEPLOY_STEP_IDS = CATALOG_IDS.filter(
  (id): id is DeployStepId => FUNCTIONS[id].kind === "deploy-step",
);

/** The migration runner's one id, used for its function name, artifact, log group and catalog entry. */
export const MIGRATE_ID = "migrate" satisfies DeployStepId;

const triggersOf = (id: CatalogId): readonly Trigger[] => FUNCTIONS[id].triggers;

/** Invoked asynchronously by at least one trigger: gets retries and an on-failure destination. */
export const isAsync = (id: CatalogId): boolean =>
  triggersOf(id).some((t) => ASYNC_TRIGGER_KINDS.includes(t.kind));

/** Every (function, trigger) pair of one kind, in catalog order. */
export const triggered = <Kind extends TriggerKind>(
  kind: Kind,
): { id: IdsWithTrigger<Kind>; trigger: Extract<Trigger, { kind: Kind }> }[] =>
  CATALOG_IDS.flatMap((id) =>
    triggersOf(id)
      .filter((t): t is Extract<Trigger, { kind: Kind }> => t.kind === kind)
      .map((trigger) => ({ id: id as IdsWithTrigger<Kind>, trigger })),
  );

/** The functions with an on-failure destination: every async stack function. */
export const ASYNC_FUNCTION_IDS = FUNCTION_IDS.filter(isAsync);

/**
 * The on-failure queues a consumer reads: every async function's but its own (a broken consumer would
 * otherwise feed its own failures back to itself).
 */
export const onFailureSourcesOf = (consumer: CatalogId): FunctionId[] =>
  ASYNC_FUNCTION_IDS.filter((id) => id !== consumer);

/** The functions that consume the on-failure queues. */
export const ON_FAILURE_CONSUMERS = triggered("sqs").map((t) => t.id);

/** Needs as the program and the preflight read them, with `async` derived from the triggers. */
export const needsOf = (id: CatalogId): FunctionNeeds & { async: boolean } => ({
  ...FUNCTIONS[id].needs,
  async: isAsync(id),
});

/** The HTTP routes of a function's API. */
export const routesOf = (id: HttpFunctionId) =>
  triggered("http").find((t) => t.id === id)?.trigger.routes ?? [];

/** The default expression of a scheduled function's `<camelId>Schedule` stack key. */
export const scheduleOf = (id: ScheduledFunctionId) => {
  const trigger = triggered("schedule").find((t) => t.id === id)?.trigger;
  if (!trigger) throw new Error(`${id} has no schedule trigger in the catalog`);
  return trigger;
};
