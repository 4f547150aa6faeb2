import type { z } from "zod";

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
export const parseEnv = <S extends z.ZodType>(
  functionId: string,
  schema: S,
  source: Record<string, string | undefined>,
): z.infer<S> => {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.length > 0 ? issue.path.map(String).join(".") : "(environment)";
    // A missing required variable reads better as "is not set" than as zod's type message; a refinement
    // (e.g. "set A, or B with C") keeps its own message.
    const missing =
      issue.code === "invalid_type" && issue.path.length > 0 && source[String(issue.path[0])] === undefined;
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
