import type * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

/**
 * Parse options that word zod's own issues in English ("Invalid input: expected string, received number").
 * The functions' schemas use zod/mini, whose bundle is a fraction of classic zod's and whose schemas cost a
 * third of the CPU to build at init (README, "zod/mini"); unlike classic zod, zod/mini registers no locale,
 * so without these options every built-in issue reads "Invalid input". Passed per parse rather than set with
 * `z.config()`: a module whose only job is a side effect can be dropped by a bundler honouring
 * `sideEffects: false` (zod issues #5725, #5953), and a per-parse option cannot be forgotten by a test that
 * never ran the function's init. Messages a schema states itself take precedence, as they do in classic zod.
 */
export const IN_ENGLISH: z.core.ParseContext<z.core.$ZodIssue> = { error: en().localeError };
