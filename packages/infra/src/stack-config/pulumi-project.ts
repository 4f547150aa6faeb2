/**
 * Pulumi's side of the stack config: the `config:` block of Pulumi.yaml, written from the zod schema, and
 * the decoding of the strings Pulumi hands the program, by each key's declared type.
 *
 * Pulumi's rule (pulumi/pulumi sdk/go/common/workspace, `mergeConfig` and `validateStackConfigValues`): a key
 * declared under `config:` without a `default` must be set in every stack ("Stack 'dev' is missing
 * configuration value …"), and a declared `type` is checked against the stack's value. So every key with a
 * default is declared with it; a key with no sensible default (secrets, an optional e-mail) is not declared,
 * and the program's own schema names it when a deployment needs it (requireDeploySecrets).
 */

import { PROJECT } from "@lambda-lab/catalog";
import * as z from "zod";
import { KEY_DESCRIPTIONS } from "./descriptions.js";
import { StackConfigKeys } from "./schema.js";

/** The four types a Pulumi.yaml config declaration may have (Pulumi's project schema). */
export type PulumiConfigType = "string" | "integer" | "boolean" | "array";

export interface ProjectConfigDeclaration {
  type: PulumiConfigType;
  items?: { type: Exclude<PulumiConfigType, "array"> };
  description: string;
  default: unknown;
}

interface JsonSchemaNode {
  type?: string;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  default?: unknown;
}

const schemaProperties = (): Record<string, JsonSchemaNode> =>
  (
    z.toJSONSchema(StackConfigKeys, { io: "input", unrepresentable: "any" }) as {
      properties: Record<string, JsonSchemaNode>;
    }
  ).properties;

const scalarType = (node: JsonSchemaNode, key: string): Exclude<PulumiConfigType, "array"> => {
  // A secret is `string | { secure }` in the schema (the stack file's form); Pulumi hands it over as a string.
  if (node.anyOf) return scalarType(node.anyOf[0] ?? {}, key);
  if (node.type === "string" || node.type === "integer" || node.type === "boolean") return node.type;
  throw new Error(`stack key ${key}: no Pulumi config type for JSON schema type ${String(node.type)}`);
};

const pulumiTypeOf = (node: JsonSchemaNode, key: string): Pick<ProjectConfigDeclaration, "type" | "items"> =>
  node.type === "array"
    ? { type: "array", items: { type: scalarType(node.items ?? {}, `${key}[]`) } }
    : { type: scalarType(node, key) };

/** Every schema key's Pulumi type, declared or not: the decoder needs the undeclared ones too. */
export const configTypes = (): Record<string, Pick<ProjectConfigDeclaration, "type" | "items">> =>
  Object.fromEntries(Object.entries(schemaProperties()).map(([k, node]) => [k, pulumiTypeOf(node, k)]));

/** Pulumi.yaml's `config:` block: every key that has a default, in the schema's order. */
export const projectConfigDeclarations = (): Record<string, ProjectConfigDeclaration> => {
  const declared: Record<string, ProjectConfigDeclaration> = {};
  for (const [k, node] of Object.entries(schemaProperties())) {
    if (node.default === undefined) continue;
    declared[k] = {
      ...pulumiTypeOf(node, k),
      description: KEY_DESCRIPTIONS[k as keyof typeof KEY_DESCRIPTIONS],
      default: node.default,
    };
  }
  return declared;
};

/** Keys the schema reads that Pulumi.yaml does not declare (no default): set per stack when needed. */
export const undeclaredKeys = (): string[] =>
  Object.entries(schemaProperties())
    .filter(([, node]) => node.default === undefined)
    .map(([k]) => k);

const decodeOne = (type: Pick<ProjectConfigDeclaration, "type">, value: string): unknown => {
  switch (type.type) {
    case "string":
      return value;
    // Anything else is left as the string it was, so the schema names the key and what it expected.
    case "integer":
      return /^-?\d+$/.test(value) ? Number(value) : value;
    case "boolean":
      return value === "true" ? true : value === "false" ? false : value;
    case "array":
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
  }
};

/**
 * Pulumi hands config values to the program as strings (`pulumi.runtime.allConfig()`: arrays JSON-encoded,
 * `7` as "7", `17.4` as "17.4"). Each of this project's keys is decoded by its declared type only, so a
 * string key stays a string whatever it looks like ("17.4", "8.4", "0123"); other namespaces pass through.
 */
export const decodeConfigValues = (values: Record<string, string>): Record<string, unknown> => {
  const types = configTypes();
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => {
      const bare = k.startsWith(`${PROJECT}:`)
        ? k.slice(PROJECT.length + 1)
        : k.includes(":")
          ? undefined
          : k;
      const type = bare === undefined ? undefined : types[bare];
      return [k, type ? decodeOne(type, v) : v];
    }),
  );
};
