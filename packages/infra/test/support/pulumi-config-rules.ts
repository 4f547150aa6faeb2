/**
 * Pulumi's project/stack config validation, re-implemented from its source so the tests run the real rule
 * without the CLI (pulumi/pulumi, sdk/go/common/workspace):
 *
 * - project.go `(*Project).Validate`: an explicitly typed array needs `items`; a typed default must match
 *   its type ("The default value specified for configuration key '…' is not of the expected type '…'").
 * - config.go `mergeConfig`: a key of the project's namespace declared without `default` or `value` and
 *   absent from the stack is missing; all missing keys are reported in one error,
 *   "Stack 'dev' is missing configuration value(s) 'a', 'b' and 'c'" (`missingStackConfigurationKeysError`,
 *   `formatMissingKeys`, sorted). Declared keys may be written bare or as `<project>:<key>`
 *   (`parseConfigKey`). Defaults are then applied (`createConfigValue`: scalars as their `%v` text, arrays
 *   and maps as JSON objects).
 * - config.go `validateStackConfigValues` / `validateStackConfigValue`: declared secrets must be `secure`;
 *   each typed value must pass `ValidateConfigValue` ("Stack 'dev' with configuration key '…' must be of
 *   type '…'"), where integers may be whole numbers or strings that parse as one, booleans true/false or
 *   their strings, and arrays are checked item by item.
 *
 * Stack files are read the way Go's `config.Value` unmarshals YAML: a scalar keeps its source text (so
 * `17.4` is the string "17.4"), `{ secure: … }` is a secret, a list or map is an object value (JSON).
 */
import { isMap, isScalar, isSeq, type Node, parseDocument } from "yaml";

type Scalar = "string" | "integer" | "boolean";
interface ProjectConfigType {
  type?: Scalar | "array";
  items?: { type: Scalar | "array"; items?: ProjectConfigType["items"] };
  default?: unknown;
  value?: unknown;
  secret?: boolean;
}
export interface PulumiProject {
  name: string;
  config?: Record<string, ProjectConfigType>;
}

/** A stack config value as Pulumi holds it: text, plus whether it is a secret or a JSON object. */
export interface StackValue {
  text: string;
  secure: boolean;
  object: boolean;
}

export class PulumiConfigError extends Error {}

const isWhole = (n: unknown) => typeof n === "number" && Number.isInteger(n);

/** `ValidateConfigValue` (project.go). */
export const validateConfigValue = (
  type: ProjectConfigType["type"] | undefined,
  items: ProjectConfigType["items"],
  value: unknown,
): boolean => {
  if (type === "string") return typeof value === "string";
  if (type === "integer") {
    if (isWhole(value)) return true;
    // strconv.Atoi: an optional sign and decimal digits, within 64 bits.
    return typeof value === "string" && /^[+-]?\d+$/.test(value) && Number.isSafeInteger(Number(value));
  }
  if (type === "boolean") return value === "true" || value === "false" || typeof value === "boolean";
  if (!Array.isArray(value) || items === undefined) return false;
  return value.every((item) => validateConfigValue(items.type, items.items, item));
};

/** `InferFullTypeName` (project.go). */
const fullTypeName = (type: string, items: ProjectConfigType["items"]): string =>
  items ? `array<${fullTypeName(items.type, items.items)}>` : type;

/** `(*Project).Validate` for the config block (project.go). */
export const validateProject = (project: PulumiProject): void => {
  for (const [key, declared] of Object.entries(project.config ?? {})) {
    if (declared.default !== undefined && declared.value !== undefined) {
      throw new PulumiConfigError(
        `project config '${key}' cannot have both a 'default' and 'value' attribute`,
      );
    }
    const namespaced = !key.includes(":") || key.startsWith(`${project.name}:`);
    if (!namespaced) continue;
    if (declared.type === "array" && declared.items === undefined) {
      throw new PulumiConfigError(
        `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`,
      );
    }
    if (declared.type && declared.default !== undefined) {
      if (!validateConfigValue(declared.type, declared.items, declared.default)) {
        throw new PulumiConfigError(
          `The default value specified for configuration key '${key}' is not of the expected type '${fullTypeName(declared.type, declared.items)}'`,
        );
      }
    }
  }
};

const toValue = (node: Node | null): StackValue => {
  if (isMap(node)) {
    const secure = node.get("secure");
    if (node.items.length === 1 && typeof secure === "string")
      return { text: secure, secure: true, object: false };
    return { text: JSON.stringify(node.toJSON()), secure: false, object: true };
  }
  if (isSeq(node)) return { text: JSON.stringify(node.toJSON()), secure: false, object: true };
  if (isScalar(node)) {
    // Go's YAML decoder fills a string with the scalar's own text: 17.40 stays "17.40", yes stays "yes".
    const source = (node as { source?: string }).source;
    return { text: source ?? String(node.value), secure: false, object: false };
  }
  return { text: "", secure: false, object: false };
};

/** Reads a `Pulumi.<stack>.yaml` the way Go's `config.Map` unmarshals it: fully-qualified key → value. */
export const readStackValues = (yamlText: string, projectName: string): Map<string, StackValue> => {
  const doc = parseDocument(yamlText, { keepSourceTokens: true });
  const config = doc.get("config", true);
  const values = new Map<string, StackValue>();
  if (!isMap(config)) return values;
  for (const pair of config.items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    values.set(key.includes(":") ? key : `${projectName}:${key}`, toValue(pair.value as Node | null));
  }
  return values;
};

/** Go's `%v` of a YAML-decoded default (createConfigValue). */
const defaultText = (value: unknown): StackValue =>
  value !== null && typeof value === "object"
    ? { text: JSON.stringify(value), secure: false, object: true }
    : { text: String(value), secure: false, object: false };

const formatMissing = (keys: string[]): string => {
  if (keys.length === 1) return `'${keys[0]}'`;
  const sorted = [...keys].sort();
  return sorted
    .map((k, i) =>
      i === sorted.length - 1 ? `and '${k}'` : i === sorted.length - 2 ? `'${k}' ` : `'${k}', `,
    )
    .join("");
};

/**
 * `ValidateStackConfigAndApplyProjectConfig`: throws Pulumi's own message, or returns the merged config
 * (stack values plus applied defaults), as the engine then hands it to the program.
 */
export const validateStackConfig = (
  stackName: string,
  project: PulumiProject,
  stack: Map<string, StackValue>,
): Map<string, StackValue> => {
  validateProject(project);
  const merged = new Map(stack);
  const missing: string[] = [];
  const declared = Object.entries(project.config ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [key, type] of declared) {
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    const hasDefault = type.default !== undefined;
    const hasValue = type.value !== undefined;
    if (!merged.has(full) && !hasValue && !hasDefault && full.startsWith(`${project.name}:`)) {
      missing.push(key);
      continue;
    }
    if (!merged.has(full)) merged.set(full, defaultText(hasDefault ? type.default : type.value));
  }
  if (missing.length > 0) {
    throw new PulumiConfigError(
      `Stack '${stackName}' is missing configuration ${missing.length > 1 ? "values" : "value"} ${formatMissing(missing)}`,
    );
  }
  for (const [key, type] of declared) {
    if (type.type === undefined) continue;
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    const value = merged.get(full);
    if (!value) continue;
    if (type.secret && !value.secure) {
      throw new PulumiConfigError(
        `Stack '${stackName}' with configuration key '${key}' must be encrypted as it's secret`,
      );
    }
    // A secret's plaintext is not known here; its declared type is checked on the ciphertext's form only.
    if (value.secure) continue;
    const content: unknown = value.object ? JSON.parse(value.text) : value.text;
    if (!validateConfigValue(type.type, type.items, content)) {
      throw new PulumiConfigError(
        `Stack '${stackName}' with configuration key '${key}' must be of type '${fullTypeName(type.type, type.items)}'`,
      );
    }
  }
  return merged;
};

/** What the program receives (`pulumi.runtime.allConfig()`): every value as text; secrets decrypted. */
export const programConfig = (
  merged: Map<string, StackValue>,
  decrypt: (ciphertext: string) => string,
): Record<string, string> =>
  Object.fromEntries([...merged].map(([k, v]) => [k, v.secure ? decrypt(v.text) : v.text]));
