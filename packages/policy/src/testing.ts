/**
 * Runs the pack's validators directly, the way the Pulumi engine calls them, without a CLI: tests (here and
 * in @lambda-lab/infra, over a mocked run of the program) get back the violations each policy reports.
 */
import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

export interface TestResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** Stack the resource belongs to (in its URN); "dev" unless given. */
  stack?: string;
  /** Pulumi's `protect` option on the resource (PolicyResourceOptions.protect); false unless given. */
  protect?: boolean;
}

export interface Violation {
  policy: string;
  message: string;
  resource?: string;
}

const urnOf = (r: TestResource) => `urn:pulumi:${r.stack ?? "dev"}::lambda-lab::${r.type}::${r.name}`;

/** Defaults from the policy's config schema, overridden by `config`. */
const configOf = (
  policy: ResourceValidationPolicy | StackValidationPolicy,
  config: Record<string, unknown> = {},
): Record<string, unknown> => {
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {}).map(([key, schema]) => [
      key,
      (schema as { default?: unknown }).default,
    ]),
  );
  return { ...defaults, ...config };
};

const notApplicable = (reason?: string): never => {
  throw new Error(`not applicable: ${reason ?? ""}`);
};

export const checkResource = async (
  policy: ResourceValidationPolicy,
  resource: TestResource,
  config?: Record<string, unknown>,
): Promise<Violation[]> => {
  const violations: Violation[] = [];
  const args = {
    type: resource.type,
    name: resource.name,
    urn: urnOf(resource),
    props: resource.props,
    opts: { protect: resource.protect ?? false },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: () => configOf(policy, config),
    notApplicable,
  } as unknown as ResourceValidationArgs;
  const validators = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
  for (const validate of validators) {
    await validate(args, (message) =>
      violations.push({ policy: policy.name, message, resource: resource.name }),
    );
  }
  return violations;
};

export const checkStack = async (
  policy: StackValidationPolicy,
  resources: TestResource[],
  config?: Record<string, unknown>,
): Promise<Violation[]> => {
  const violations: Violation[] = [];
  const policyResources = resources.map(
    (r) =>
      ({
        type: r.type,
        name: r.name,
        urn: urnOf(r),
        props: r.props,
        opts: {},
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
      }) as unknown as PolicyResource,
  );
  const args = {
    resources: policyResources,
    stackTags: new Map(),
    getConfig: () => configOf(policy, config),
    notApplicable,
  } as unknown as StackValidationArgs;
  await policy.validateStack(args, (message, urn) =>
    violations.push({ policy: policy.name, message, resource: urn?.split("::").at(-1) }),
  );
  return violations;
};
