import * as z from "zod/mini";
import { IN_ENGLISH } from "./zod-english.js";

/** A deployment whose environment does not match the function's schema. Thrown at init, never per event. */
export class EnvError extends Error {
  override name = "EnvError";
  constructor(
    readonly functionId: string,
    readonly problems: readonly string[],
  ) {
    super(`${functionId}: invalid environment: ${problems.join("; ")}`);
  }
}

/**
 * Parses `source` with `schema`; on failure throws an EnvError whose message names every bad variable
 * (never its value: environments hold secrets).
 */
export const parseEnv = <S extends z.core.$ZodType>(
  functionId: string,
  schema: S,
  source: Record<string, string | undefined>,
): z.infer<S> => {
  // Parsed once per cold start: zod's JIT would compile a fast path (new Function) that never runs again.
  const result = z.safeParse(schema, source, { ...IN_ENGLISH, jitless: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.length > 0 ? issue.path.map(String).join(".") : "(environment)";
    // A missing required variable reads better as "is not set" than as zod's type or enum message; a
    // refinement (e.g. "set A, or B with C") keeps its own message.
    const missing =
      issue.code !== "custom" && issue.path.length > 0 && source[String(issue.path[0])] === undefined;
    return `${variable}: ${missing ? "is not set" : issue.message}`;
  });
  throw new EnvError(functionId, problems);
};

/** `"a, b ,c"` → `["a","b","c"]`: list-valued variables, empty entries dropped. */
export const splitList = (value: string): string[] =>
  value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
